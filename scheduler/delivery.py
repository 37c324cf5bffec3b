"""The outbox delivery: claim a batch of due messages, decide, render, send, record, one at a time.

Safe on several replicas and across crashes. A batch is claimed under a lease (PostgreSQL locks
with SKIP LOCKED, SQLite's write lock serialises claimers), so two workers never hold one row. The
batch is served in lanes, one per customer (their messages in order), up to LANES at once; in each
lane a row's result is written before its next row is sent, so a crash re-sends at most the
messages in flight, one per lane; a worker that dies leaves its leases to expire, and another
worker takes the rows. What is read and written once a round rather than once a message (the
recipients; the results that sent nothing) is in `scheduler/delivery_round.py`.
What may go out at all is the domain's decision (`domain/delivery_policy.py`); this loop only
applies it. One failing message is logged and retried later; it never aborts the batch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.campaigns import CAMPAIGN_TEMPLATE
from domain.clock import Clock
from domain.customers import Channel, ChannelIdentity, Customer
from domain.delivery import Delivered, Failed, MessageSender, RetryLater, SendResult, Skipped, Unreachable
from domain.delivery_policy import Hold, Skip, decide
from domain.errors import StoreUnavailable
from domain.feedback import SCORES
from domain.outbox import ANSWER_BUTTONS, FEEDBACK_BUTTONS, OutboxMessage
from domain.ports import UnitOfWork
from domain.quotes import Answer
from domain.rules import MarketingRules
from messages import Renderer
from scheduler.campaign_messages import CampaignComposer
from scheduler.delivery_round import Round
from scheduler.outcomes import MAX_ATTEMPTS, ChannelPauses, DeliveryStats, apply_result, hold

__all__ = ["MAX_ATTEMPTS", "Delivery", "DeliveryStats", "choose_identity", "run_forever"]

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# A row is sent only while this much of its lease is left, so a lease never runs out mid-send.
LEASE_MARGIN = timedelta(seconds=30)
BATCH = 100
# Customers served at once. Each lane marks a row before it takes its next, so a crash re-sends
# at most one message per lane: the ones in flight.
LANES = 8
# Marketing messages in one round: about a second of Telegram's 30 a second, so a transactional
# message that falls due while a campaign goes out waits for that, not for a round of BATCH sends.
MARKETING_PER_ROUND = 30
NO_REACHABLE_CHANNEL = "no_reachable_channel"
# The button label (messages/labels) of each answer to a quote.
ANSWER_LABELS = {
    Answer.APPROVED: "quote_approve",
    Answer.DECLINED: "quote_decline",
    Answer.CALL_ME: "quote_call_me",
}


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
        *,
        marketing: MarketingRules,
        timezone: str,
        lease: timedelta = LEASE,
        campaigns: CampaignComposer | None = None,
        lanes: int = LANES,
    ) -> None:
        self._uow = uow
        self._senders = senders
        self._renderer = renderer
        self._clock = clock
        self._marketing = marketing
        self._timezone = ZoneInfo(timezone)
        self._lease = lease
        self._pauses = ChannelPauses()
        self._campaigns = campaigns
        self._lanes = lanes

    async def deliver_due(self, limit: int = BATCH) -> DeliveryStats:
        now = self._clock.now()
        round_ = Round(now + self._lease, DeliveryStats())
        async with self._uow() as uow:
            batch = await uow.outbox.claim(
                now, limit, round_.until, marketing_limit=min(limit, MARKETING_PER_ROUND)
            )
            # in the claim's transaction: one round trip less, and no wait for a lock of its own
            await round_.recipients.read(uow, batch, now)
            await uow.commit()
        # One lane per customer, their messages in order; up to `lanes` customers at once, so a
        # platform's round trip (50-100 ms to Telegram) does not cap the rate at 10-20 a second.
        # Transactional messages first, as they were claimed, then marketing.
        for marketing in (False, True):
            await self._in_lanes([m for m in batch if m.marketing is marketing], round_)
        return round_.stats

    async def _in_lanes(self, messages: list[OutboxMessage], round_: Round) -> None:
        by_customer: dict[int, list[OutboxMessage]] = {}
        for message in messages:
            by_customer.setdefault(message.customer_id, []).append(message)
        gate = asyncio.Semaphore(self._lanes)
        outages: list[StoreUnavailable] = []

        async def lane(queue: list[OutboxMessage]) -> None:
            async with gate:
                for message in queue:
                    if outages:
                        return  # the database is away: take nothing more, the leases give it back
                    try:
                        await self._handle(message, round_)
                    except StoreUnavailable as exc:
                        # Not raised into the group: that would cancel the other lanes in the middle
                        # of their sends, and each message the platform already had would go again.
                        outages.append(exc)
                        return

        async with asyncio.TaskGroup() as group:
            for queue in by_customer.values():
                group.create_task(lane(queue))
        if outages:
            raise outages[0]  # the whole round stops and backs off
        await self._save_unsent(round_)

    async def _handle(self, message: OutboxMessage, round_: Round) -> None:
        assert message.id is not None
        try:
            if self._clock.now() >= round_.until - LEASE_MARGIN:
                # too late to send under this lease: give the row back, due at once
                hold(message, self._clock.now(), round_.stats)
                round_.unsent.append(message)
                return
            await self._deliver_one(message, round_)
        except StoreUnavailable:
            raise
        except Exception as exc:  # one bad message never stops the batch
            log.exception("delivery of outbox message %s failed", message.id)
            round_.stats.errors.append(f"{message.id}: {exc!r}")
            # counted as a failed attempt (backing off, then failed for good), so a message
            # that cannot be rendered does not come back every lease forever
            failure = Failed(f"cannot deliver: {exc!r}"[:500], retryable=True)
            apply_result(message, failure, None, self._clock.now(), round_.stats)
            await self._save(message, round_.until, None, failure)

    async def _deliver_one(self, message: OutboxMessage, round_: Round) -> None:
        stats, recipients, cid = round_.stats, round_.recipients, message.customer_id
        now = self._clock.now()
        if recipients.stale(cid, now):  # this lane's turn came late in the round: read them again
            async with self._uow() as uow:
                await recipients.read(uow, [message], now)
        customer = recipients.customer(cid)
        decision = decide(
            message,
            customer,
            now=now,
            rules=self._marketing,
            timezone=self._timezone,
            marketing_sent_last_week=recipients.marketing_sent.get(cid, 0),
        )
        if isinstance(decision, Hold):
            hold(message, decision.until, stats)
            return round_.unsent.append(message)
        if isinstance(decision, Skip):
            return self._unsent(message, Skipped(decision.reason), None, round_)
        assert customer is not None
        identity = choose_identity(recipients.identities.get(cid, []), self._senders, message.channel)
        if identity is None:
            return self._unsent(message, Skipped(NO_REACHABLE_CHANNEL), None, round_)
        paused = self._pauses.paused_until(identity.channel, now)
        if paused is not None:
            hold(message, paused, stats)
            return round_.unsent.append(message)
        text = await self._text(message, customer, identity.channel)
        if isinstance(text, Skipped):
            return self._unsent(message, text, identity, round_)
        result = await self._senders[identity.channel].send(identity, message, text)
        if isinstance(result, RetryLater) and not result.tried:  # held back by the sender: no attempt
            self._pauses.pause(identity.channel, self._clock.now() + timedelta(seconds=result.after_seconds))
            hold(message, self._clock.now() + timedelta(seconds=result.after_seconds), stats)
            return round_.unsent.append(message)
        if isinstance(result, RetryLater):
            self._pauses.pause(identity.channel, self._clock.now() + timedelta(seconds=result.after_seconds))
        if isinstance(result, Delivered) and message.marketing:
            recipients.sent_marketing(cid)
        # The platform had it: recorded before this lane sends its next, so a crash re-sends at
        # most the one message in flight.
        await self._record(message, round_.until, result, identity, stats)

    async def _text(self, message: OutboxMessage, customer: Customer, channel: Channel) -> str | Skipped:
        if message.template == CAMPAIGN_TEMPLATE:
            if self._campaigns is None:
                raise RuntimeError("a campaign message, and no campaign composer to write it")
            return await self._campaigns.compose(message, channel)
        if "quote_ref" in message.context:
            message.extra[ANSWER_BUTTONS] = self._answer_buttons(
                message.context["quote_ref"], customer.locale
            )
        if "feedback_id" in message.context:
            message.extra[FEEDBACK_BUTTONS] = self._score_buttons(
                message.context["feedback_id"], customer.locale
            )
        return self._renderer.render(message.template, customer.locale, channel.value, **message.context)

    def _score_buttons(self, feedback_id: int, locale: str) -> dict[str, object]:
        labels = {str(s): self._renderer.label(f"feedback_score_{s}", locale) for s in SCORES}
        return {"ref": str(feedback_id), "labels": labels}

    def _answer_buttons(self, ref: str, locale: str) -> dict[str, object]:
        labels = {a.value: self._renderer.label(ANSWER_LABELS[a], locale) for a in Answer}
        return {"ref": ref, "labels": labels}

    async def _record(
        self,
        message: OutboxMessage,
        leased_until: datetime,
        result: SendResult,
        identity: ChannelIdentity | None,
        stats: DeliveryStats,
    ) -> None:
        now = self._clock.now()
        apply_result(message, result, identity.channel if identity else None, now, stats)
        unreachable = identity if isinstance(result, Unreachable) else None
        if unreachable is not None:
            unreachable.unreachable_at = now
        await self._save(message, leased_until, unreachable, result)

    def _unsent(
        self, message: OutboxMessage, result: Skipped, identity: ChannelIdentity | None, round_: Round
    ) -> None:
        """A final result that sent nothing: written with the round's others, at its end."""
        apply_result(message, result, identity.channel if identity else None, self._clock.now(), round_.stats)
        round_.unsent.append(message)

    async def _save_unsent(self, round_: Round) -> None:
        """Every result of the round that sent nothing, in one transaction. If it is lost (a crash,
        the database away) the rows come back when their lease runs out and are decided again."""
        if not round_.unsent:
            return
        unsent, round_.unsent = round_.unsent, []
        async with self._uow() as uow:
            for message in unsent:
                if not await uow.outbox.finish(message, round_.until):
                    log.warning("outbox message %s: lease lost before its result was saved", message.id)
            await uow.commit()

    async def _save(
        self,
        message: OutboxMessage,
        leased_until: datetime,
        unreachable: ChannelIdentity | None,
        result: SendResult | None,
    ) -> None:
        async with self._uow() as uow:
            if not await uow.outbox.finish(message, leased_until):
                # Our lease ran out and another worker may have the row: its record wins.
                log.warning(
                    "outbox message %s: lease lost before its result (%s) was saved", message.id, result
                )
            elif isinstance(result, Delivered) and self._campaigns is not None:
                # a campaign's bonus goes with the message it announces: in the same transaction
                # that records it sent, so a message that never went out pays nothing
                await self._campaigns.on_delivered(uow, message)
            if unreachable is not None:
                await uow.identities.update(unreachable)
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
