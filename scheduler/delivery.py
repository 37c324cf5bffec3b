"""The outbox delivery: render each due message for the customer's channel, hand it to that channel's sender.

Safe on several replicas: a message is leased before sending, so two workers never take the same one.
One failing message is logged and retried later; it never aborts the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from domain.clock import Clock
from domain.customers import Channel, ChannelIdentity
from domain.delivery import Delivered, Failed, MessageSender, RetryLater, SendResult, Skipped, Unreachable
from domain.outbox import OutboxMessage, OutboxStatus
from domain.ports import UnitOfWork
from messages import Renderer

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 6
BASE_BACKOFF = timedelta(seconds=30)


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped


def choose_identity(
    identities: list[ChannelIdentity], senders: Mapping[Channel, MessageSender], wanted: str | None
) -> ChannelIdentity | None:
    """The channel the message asks for, else the one the customer wrote from last."""
    usable = [i for i in identities if i.unreachable_at is None and i.channel in senders]
    if wanted:
        usable = [i for i in usable if i.channel.value == wanted]
    usable.sort(
        key=lambda i: (i.last_inbound_at is not None, i.last_inbound_at or i.created_at), reverse=True
    )
    return usable[0] if usable else None


class Delivery:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        senders: Mapping[Channel, MessageSender],
        renderer: Renderer,
        clock: Clock,
    ) -> None:
        self._uow = uow
        self._senders = senders
        self._renderer = renderer
        self._clock = clock

    async def deliver_due(self, limit: int = 100) -> DeliveryStats:
        stats = DeliveryStats()
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.outbox.due(now, limit)
        for message in due:
            assert message.id is not None
            try:
                await self._deliver_one(message.id, stats)
            except Exception as exc:  # one bad message never stops the batch
                log.exception("delivery of outbox message %s failed", message.id)
                stats.errors.append(f"{message.id}: {exc!r}")
        return stats

    async def _deliver_one(self, message_id: int, stats: DeliveryStats) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            if not await uow.outbox.lease(message_id, now, now + LEASE):
                return
            await uow.commit()
        async with self._uow() as uow:
            message = await uow.outbox.get(message_id)
            assert message is not None
            customer = await uow.customers.get(message.customer_id)
            identities = await uow.identities.of_customer(message.customer_id)
        if customer is None or customer.is_deleted:
            return await self._finish(message, Skipped("customer deleted"), None, stats)
        if message.marketing and not customer.marketing_opt_in:
            return await self._finish(message, Skipped("no marketing consent"), None, stats)
        identity = choose_identity(identities, self._senders, message.channel)
        if identity is None:
            return await self._finish(message, Skipped("no reachable channel"), None, stats)
        text = self._renderer.render(
            message.template, customer.locale, identity.channel.value, **message.context
        )
        result = await self._senders[identity.channel].send(identity, message, text)
        await self._finish(message, result, identity, stats)

    async def _finish(
        self,
        message: OutboxMessage,
        result: SendResult,
        identity: ChannelIdentity | None,
        stats: DeliveryStats,
    ) -> None:
        now = self._clock.now()
        message.attempts += 1
        message.channel = identity.channel.value if identity else message.channel
        match result:
            case Delivered(provider_message_id=pid):
                message.status, message.sent_at, message.provider_message_id = OutboxStatus.SENT, now, pid
                message.error, message.next_attempt_at = None, None
                stats.sent += 1
            case RetryLater(after_seconds=after, reason=reason) if message.attempts < MAX_ATTEMPTS:
                message.next_attempt_at = now + timedelta(seconds=after)
                message.error = reason
                stats.retried += 1
            case Failed(reason=reason, retryable=True) if message.attempts < MAX_ATTEMPTS:
                message.next_attempt_at = now + BASE_BACKOFF * 2 ** (message.attempts - 1)
                message.error = reason
                stats.retried += 1
            case Skipped(reason=reason):
                message.status, message.error = OutboxStatus.SKIPPED, reason
                stats.skipped += 1
            case Unreachable(reason=reason) | Failed(reason=reason) | RetryLater(reason=reason):
                message.status, message.error = OutboxStatus.FAILED, reason
                stats.failed += 1
        if message.sensitive and message.status != OutboxStatus.PENDING:
            message.context = {}
        async with self._uow() as uow:
            await uow.outbox.save_result(message)
            if isinstance(result, Unreachable) and identity is not None:
                identity.unreachable_at = now
                await uow.identities.update(identity)
            await uow.commit()


MAX_FAILURE_BACKOFF = 60.0  # seconds between rounds while the database (say) is away


async def run_forever(delivery: Delivery, *, idle_seconds: float = 1.0, stop: asyncio.Event) -> None:
    """The continuous `delivery` job: drain the outbox, sleep a little when it is empty.

    A round that fails (the database is away, say) is tried again after a pause that doubles up to
    a minute; the log gets one line when delivery stops and one when it recovers, not one a second.
    """
    failures = 0
    while not stop.is_set():
        try:
            stats = await delivery.deliver_due()
        except Exception as exc:
            failures += 1
            if failures == 1:
                log.error("outbox delivery stopped: %s; retrying with backoff", _one_line(exc))
                log.debug("outbox delivery failure", exc_info=exc)
            pause = min(idle_seconds * 2**failures, MAX_FAILURE_BACKOFF)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=pause)
            continue
        if failures:
            log.warning("outbox delivery recovered after %s failed rounds", failures)
            failures = 0
        if stats.handled == 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=idle_seconds)


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: " + " ".join(str(exc).split())[:200]
