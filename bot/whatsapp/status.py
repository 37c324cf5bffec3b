"""Twilio's status callbacks: the delivery stage of every message, and failures onto the outbox row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.whatsapp.sender import UNREACHABLE_CODES
from bot.whatsapp.state import message_statuses
from domain.customers import Channel
from domain.outbox import OutboxStatus
from domain.ports import UnitOfWork

FAILED = frozenset({"failed", "undelivered"})


async def record_status(
    uow_factory: Callable[[], UnitOfWork], sid: str, status: str, error_code: int | None, now: datetime
) -> bool:
    """Keep the newest stage; a failure marks the outbox row failed ('twilio <code>'). False if stale."""
    async with uow_factory() as uow:
        if not await message_statuses(uow).record(sid, status, error_code, now):
            return False
        message = await uow.outbox.by_provider_id(sid)
        if message is not None and status in FAILED:
            message.status = OutboxStatus.FAILED
            message.error = f"twilio {error_code}" if error_code else f"twilio {status}"
            await uow.outbox.save_result(message)
            if error_code in UNREACHABLE_CODES:
                for identity in await uow.identities.of_customer(message.customer_id):
                    if identity.channel is Channel.WHATSAPP and identity.unreachable_at is None:
                        identity.unreachable_at = now
                        await uow.identities.update(identity)
        elif message is not None and status in ("delivered", "read") and message.status is OutboxStatus.SENT:
            message.error = None  # a delivered message carries no leftover error from earlier attempts
            await uow.outbox.save_result(message)
        await uow.commit()
    return True
