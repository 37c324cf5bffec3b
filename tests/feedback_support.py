"""A completed repair of a member, and the feedback rows, for the feedback tests."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.services.repairs import record_repair_event
from store.tables import outbox
from store.tables_feedback import repair_feedback


async def complete_repair(uow_factory, rules, order: str, phone: str, at: datetime,
                          status: RepairStatus = RepairStatus.COMPLETED) -> None:  # fmt: skip
    kind = RepairEventType.COMPLETED if status is RepairStatus.COMPLETED else RepairEventType.CANCELLED
    event = RecordRepairEvent(
        event_id=f"{order}:{status.value}",
        type=kind,
        order_id=order,
        phone=phone,
        status=status,
        device_category=DeviceCategory.LAPTOP,
        device_brand="Lenovo",
        device_model="T14",
        occurred_at=at,
        amount_minor=150000,
    )
    async with uow_factory() as uow:
        await record_repair_event(uow, rules, event, at)
        await uow.commit()


async def feedback_rows(engine) -> list[dict]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(repair_feedback).order_by(repair_feedback.c.id))
        return [dict(r._mapping) for r in rows]


async def requests_queued(engine) -> list[dict]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.customer_id, outbox.c.dedupe_key, outbox.c.next_attempt_at, outbox.c.marketing)
            .where(outbox.c.template == "feedback_request")
            .order_by(outbox.c.id)
        )
        return [dict(r._mapping) for r in rows]
