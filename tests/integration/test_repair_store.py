"""Repair events against the real store: idempotency under concurrency, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses

import sqlalchemy as sa

from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairItem, RepairStatus
from domain.services.repairs import record_repair_event
from tests.builders import registered
from tests.conftest import NOW


def _completion(event_id: str, order_id: str = "R-1") -> RecordRepairEvent:
    return RecordRepairEvent(
        event_id=event_id,
        type=RepairEventType.COMPLETED,
        order_id=order_id,
        phone="+79161234567",
        status=RepairStatus.COMPLETED,
        device_category=DeviceCategory.LAPTOP,
        occurred_at=NOW,
        amount_minor=1_000_000,
        items=(RepairItem("Чистка", "repair", 1_000_000),),
        device_brand="Lenovo",
    )


async def _record(uow_factory, rules, event, now):
    async with uow_factory() as uow:
        outcome = await record_repair_event(uow, rules, event, now)
        await uow.commit()
        return outcome


async def test_ten_concurrent_deliveries_of_one_event_id_apply_once(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    outcomes = await asyncio.gather(
        *[_record(uow_factory, rules, _completion("e-1"), clock.now()) for _ in range(10)]
    )
    assert sum(not o.duplicate for o in outcomes) == 1
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(cid) == 200 + 300


async def test_concurrent_completions_of_one_order_under_different_ids_earn_once(
    uow_factory, rules, clock, engine
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    received = dataclasses.replace(
        _completion("first", order_id="R-2"),
        type=RepairEventType.STATUS_CHANGED,
        status=RepairStatus.RECEIVED,
        amount_minor=None,
    )
    await _record(uow_factory, rules, received, clock.now())
    outcomes = await asyncio.gather(
        *[_record(uow_factory, rules, _completion(f"e-{i}", order_id="R-2"), clock.now()) for i in range(8)]
    )
    assert sum(o.earned is not None for o in outcomes) == 1
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(cid) == 200 + 300
        repair = await uow.repairs.by_order("R-2")
    assert repair.items[0].name == "Чистка" and repair.device_brand == "Lenovo"
    async with engine.connect() as conn:
        history = await conn.scalar(sa.select(sa.func.count()).select_from(sa.table("repair_status_history")))
    assert history == 9
