"""What a platform reports about a message after it accepted it: delivered, read, or failed."""

from __future__ import annotations

from datetime import datetime

from domain.customers import Channel
from domain.outbox import OutboxStatus
from domain.ports import UnitOfWork

# A message's lifecycle; a report of an earlier stage never replaces a later one (reports arrive
# out of order).
STAGE_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "read": 5,
    "undelivered": 6,
    "failed": 6,
    "canceled": 6,
}
FAILED = frozenset({"failed", "undelivered"})
DELIVERED = frozenset({"delivered", "read"})


async def record_delivery_status(
    uow: UnitOfWork,
    channel: Channel,
    message_sid: str,
    status: str,
    error_code: int | None,
    now: datetime,
    *,
    provider: str,
    unreachable: bool,
) -> bool:
    """Keep the newest stage of the message; False (nothing changed) when the report is stale.

    A failure marks the outbox row failed ('<provider> <code>'); `unreachable` (the platform said
    the number cannot be reached at all) also marks the customer's identities on that channel.
    """
    known = await uow.message_statuses.get(message_sid)
    if known is not None and STAGE_RANK.get(known[0], 0) > STAGE_RANK.get(status, 0):
        return False
    await uow.message_statuses.put(message_sid, status, error_code, now)
    message = await uow.outbox.by_provider_id(message_sid)
    if message is None:
        return True
    if status in FAILED:
        message.status = OutboxStatus.FAILED
        message.error = f"{provider} {error_code or status}"
        await uow.outbox.save_result(message)
        if unreachable:
            for identity in await uow.identities.of_customer(message.customer_id):
                if identity.channel is channel and identity.unreachable_at is None:
                    identity.unreachable_at = now
                    await uow.identities.update(identity)
    elif status in DELIVERED and message.status is OutboxStatus.SENT:
        message.error = None  # a delivered message carries no leftover error from earlier attempts
        await uow.outbox.save_result(message)
    return True
