"""A completed phone repair for a member, as the repair system would report it: offers then fit."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.ports import UnitOfWork
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.rules import ProgramRules
from domain.services.repairs import record_repair_event


async def completed_phone_repair(uow: UnitOfWork, rules: ProgramRules, phone: str, now: datetime) -> None:
    async with uow:
        await record_repair_event(
            uow,
            rules,
            RecordRepairEvent(
                event_id=f"evt-offers-{phone}",
                type=RepairEventType.COMPLETED,
                order_id=f"R-offers-{phone}",
                phone=phone,
                status=RepairStatus.COMPLETED,
                device_category=DeviceCategory.PHONE,
                occurred_at=now - timedelta(days=3),
                amount_minor=4_000_00,
            ),
            now,
        )
        await uow.commit()


async def current_code(uow: UnitOfWork, customer_id: int, offer_key: str, today: date) -> str | None:
    async with uow:
        code = await uow.offer_codes.current(customer_id, offer_key, today)
    return code.code if code else None
