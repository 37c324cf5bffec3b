"""The signed outbound webhooks to the repair system: claim due rows under a lease, send, record.

Safe on several replicas: a row is claimed by a conditional UPDATE under a lease, so two workers
never send one row at once, and its result is saved only while the lease is still ours. A row is
sent until the repair system answers 2xx, with the same `webhook-id` every time (Standard Webhooks
signature with REPAIR_SYSTEM_WEBHOOK_SECRET); after a 2xx it is never sent again. Any other answer
(a 4xx too: the receiver may be misconfigured for a while) or no answer is retried after 30 s,
doubling up to an hour; a 4xx is logged as an error, as it needs a person.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from standardwebhooks import Webhook

from domain.clock import Clock
from domain.outbound_webhooks import OutboundWebhook, retry_after
from domain.ports import UnitOfWork

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 20
TIMEOUT_SECONDS = 10.0


@dataclass
class WebhookStats:
    delivered: int = 0
    retried: int = 0

    @property
    def handled(self) -> int:
        return self.delivered + self.retried


class WebhookDelivery:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        url: str,
        secret: str,
        client: httpx.AsyncClient | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._url = url
        self._signer = Webhook(secret)
        self._client = client or httpx.AsyncClient(timeout=TIMEOUT_SECONDS)
        self._lease = lease

    async def aclose(self) -> None:
        await self._client.aclose()

    async def deliver_due(self, limit: int = BATCH) -> WebhookStats:
        stats = WebhookStats()
        now = self._clock.now()
        until = now + self._lease
        async with self._uow() as uow:
            batch = await uow.outbound_webhooks.claim(now, limit, until)
            await uow.commit()
        for webhook in batch:
            await self._send(webhook, until, stats)
        return stats

    async def _send(self, webhook: OutboundWebhook, until: datetime, stats: WebhookStats) -> None:
        body = json.dumps(webhook.payload, ensure_ascii=False, separators=(",", ":"))
        sent_at = self._clock.now()
        headers = {
            "content-type": "application/json",
            "webhook-id": webhook.webhook_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": self._signer.sign(webhook.webhook_id, sent_at, body),
        }
        error: str | None
        try:
            response = await self._client.post(self._url, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("repair system webhook %s not delivered: %s", webhook.webhook_id, error)
        else:
            if 200 <= response.status_code < 300:
                error = None
            else:
                error = f"HTTP {response.status_code}: {response.text[:200]}"
                level = logging.ERROR if 400 <= response.status_code < 500 else logging.WARNING
                log.log(level, "repair system refused webhook %s: %s", webhook.webhook_id, error)
        now = self._clock.now()
        webhook.attempts += 1
        if error is None:
            webhook.delivered_at, webhook.last_error = now, None
            stats.delivered += 1
        else:
            webhook.last_error, webhook.next_attempt_at = error, now + retry_after(webhook.attempts)
            stats.retried += 1
        async with self._uow() as uow:
            if not await uow.outbound_webhooks.finish(webhook, until):
                log.warning(
                    "repair system webhook %s: lease lost before its result was saved", webhook.webhook_id
                )
            await uow.commit()


MAX_FAILURE_BACKOFF = 60.0


async def run_forever(delivery: WebhookDelivery, *, idle_seconds: float = 1.0, stop: asyncio.Event) -> None:
    """The continuous loop: send what is due, sleep a little when nothing is; a failing round (the
    database away) is tried again after a pause that doubles up to a minute."""
    failures = 0
    while not stop.is_set():
        try:
            stats = await delivery.deliver_due()
        except Exception as exc:
            failures += 1
            if failures == 1:
                log.error("repair system webhooks stopped: %s; retrying with backoff", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    stop.wait(), timeout=min(idle_seconds * 2**failures, MAX_FAILURE_BACKOFF)
                )
            continue
        if failures:
            log.warning("repair system webhooks recovered after %s failed rounds", failures)
            failures = 0
        if stats.handled == 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=idle_seconds)
