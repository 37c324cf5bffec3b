"""Repair events against the real store: idempotency under concurrency, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses

import sqlalchemy as sa

from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairItem, RepairStatus
from domain.services.privacy import delete_customer
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


async def test_parallel_completions_of_new_orders_of_one_member_all_apply(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    outcomes = await asyncio.gather(
        *[
            _record(uow_factory, rules, _completion(f"p-{k}", order_id=f"PAR-{k}"), clock.now())
            for k in range(6)
        ]
    )
    assert all(o.earned is not None for o in outcomes)
    async with uow_factory() as uow:
        balance = await uow.ledger.balance_of(cid)
        assert balance == await uow.ledger.sum_of_entries(cid)
        earned = {e.order_id for e in await uow.ledger.history(cid, limit=100) if e.kind == "earn"}
    assert earned == {f"PAR-{k}" for k in range(6)}
    assert balance == 200 + sum(o.earned.entry.points for o in outcomes if o.earned)


async def test_an_account_deletion_racing_a_completion_of_its_order_lets_both_finish(
    uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    received = dataclasses.replace(
        _completion("r-1"),
        type=RepairEventType.STATUS_CHANGED,
        status=RepairStatus.RECEIVED,
        amount_minor=None,
    )
    await _record(uow_factory, rules, received, clock.now())
    asked, go = asyncio.Event(), asyncio.Event()

    async def complete():
        async with uow_factory() as uow:
            lock = uow.customers.lock

            async def lock_when_told(customer_id: int):
                asked.set()  # the completion is about to wait for the customer: delete them now
                await go.wait()
                return await lock(customer_id)

            uow.customers.lock = lock_when_told
            outcome = await record_repair_event(uow, rules, _completion("c-1"), clock.now())
            await uow.commit()
            return outcome

    async def delete():
        async with uow_factory() as uow:
            await delete_customer(uow, cid, clock.now())
            await uow.commit()

    completion = asyncio.create_task(complete())
    await asyncio.wait_for(asked.wait(), 10)
    deletion = asyncio.create_task(delete())
    await asyncio.wait({deletion}, timeout=0.5)
    go.set()
    outcome, _ = await asyncio.wait_for(asyncio.gather(completion, deletion), 30)
    async with uow_factory() as uow:
        repair = await uow.repairs.by_order("R-1")
        customer = await uow.customers.get(cid)
        entries = await uow.ledger.history(cid, limit=100)
        balance = await uow.ledger.balance_of(cid)
        assert balance == await uow.ledger.sum_of_entries(cid) == 0
    # Whichever went first (SQLite queues them, PostgreSQL lets the deletion through first),
    # the order is completed and anonymous, and a deleted account earned nothing after deletion.
    assert customer.is_deleted and repair.status is RepairStatus.COMPLETED
    assert (repair.phone, repair.customer_name, repair.device_serial) == ("", None, None)
    if outcome.earned is None:
        assert repair.customer_id is None and all(e.order_id != "R-1" for e in entries)
