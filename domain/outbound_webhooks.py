"""Events the repair system is told about (a customer's answer to a quote), kept until it takes them.

Each is written in the unit of work of the change it reports, with its own `webhook_id` (the
Standard Webhooks `webhook-id`, the same on every retry, so the receiver can drop a repeat), and
sent by scheduler/outbound_webhooks.py until the repair system answers 2xx: never again after that.
"""

from __future__ import annotations

import abc
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from domain.events import QuoteAnswered
from domain.repairs import quote_fingerprint

if TYPE_CHECKING:  # ports names this module's repository
    from domain.ports import UnitOfWork

APPROVAL_ANSWERED = "repair.approval_answered"
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)


@dataclass
class OutboundWebhook:
    webhook_id: str
    event_type: str
    payload: dict[str, Any]
    created_at: datetime
    next_attempt_at: datetime
    attempts: int = 0
    delivered_at: datetime | None = None
    last_error: str | None = None
    leased_until: datetime | None = None
    id: int | None = None


class OutboundWebhookRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, webhook: OutboundWebhook) -> bool:
        """Keep it; False when one with this webhook_id is already kept."""

    @abc.abstractmethod
    async def claim(self, now: datetime, limit: int, until: datetime) -> list[OutboundWebhook]:
        """Due, undelivered rows no other worker holds, leased to the caller until `until`."""

    @abc.abstractmethod
    async def finish(self, webhook: OutboundWebhook, leased_until: datetime) -> bool:
        """Save the attempt's result and free the row; False when our lease was lost meanwhile."""


def retry_after(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, never more than an hour."""
    return min(FIRST_RETRY * (1 << min(max(attempts - 1, 0), 20)), MAX_RETRY)


async def queue_approval_answered(uow: UnitOfWork, event: QuoteAnswered) -> None:
    """The repair system is told the answer (wired only when its webhook URL is configured)."""
    fingerprint = quote_fingerprint(event.quote_amount_minor, event.quote_text)
    key = hashlib.sha256(f"{APPROVAL_ANSWERED}\x00{event.order_id}\x00{fingerprint}".encode()).hexdigest()
    payload = {
        "type": APPROVAL_ANSWERED,
        "order_id": event.order_id,
        "answer": event.answer,
        "answered_at": event.at.isoformat(),
    }
    await uow.outbound_webhooks.add(
        OutboundWebhook(
            webhook_id=f"msg_{key[:32]}",
            event_type=APPROVAL_ANSWERED,
            payload=payload,
            created_at=event.at,
            next_attempt_at=event.at,
        )
    )
