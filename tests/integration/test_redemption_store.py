"""Redemptions in the store, and the desk racing the repair system, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError
from domain.redemptions import (
    BillMismatch,
    OrderClosed,
    Redemption,
    RedemptionStatus,
    UnknownOrder,
    hash_code,
    new_salt,
)
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.services.redemptions import confirm_redemption, request_redemption
from domain.services.repairs import record_repair_event
from tests.builders import registered

PHONE = "+79161234567"
AT = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def _event(
    event_id: str,
    status: RepairStatus,
    *,
    order_id: str = "R-5",
    phone: str = PHONE,
    amount_minor: int | None = None,
    minutes: int = 0,
) -> RecordRepairEvent:
    kind = {
        RepairStatus.COMPLETED: RepairEventType.COMPLETED,
        RepairStatus.CANCELLED: RepairEventType.CANCELLED,
    }.get(status, RepairEventType.STATUS_CHANGED)
    return RecordRepairEvent(
        event_id=event_id,
        type=kind,
        order_id=order_id,
        phone=phone,
        status=status,
        device_category=DeviceCategory.PHONE,
        occurred_at=AT + timedelta(minutes=minutes),
        amount_minor=amount_minor,
    )


async def test_a_redemption_round_trips_and_only_confirmed_ones_count_for_the_order(
    uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    now = clock.now()
    async with uow_factory() as uow:
        kept = await uow.redemptions.add(
            Redemption(
                customer_id=cid,
                order_id="R-1",
                points=50,
                bill_minor=100000,
                code_hash="ab" * 32,
                code_salt="cd" * 16,
                status=RedemptionStatus.PENDING,
                created_at=now,
                expires_at=now + timedelta(minutes=10),
                author="api:admin",
            )
        )
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.redemptions.get(kept.id, lock=True)
        assert loaded == kept
        assert await uow.redemptions.confirmed_for_order(cid, "R-1") == []
        loaded.status, loaded.attempts, loaded.confirmed_at = RedemptionStatus.CONFIRMED, 2, now
        await uow.redemptions.update(loaded)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.redemptions.confirmed_for_order(cid, "R-1") == [loaded]
        assert await uow.redemptions.confirmed_for_order(cid, "R-2") == []
        assert await uow.redemptions.get(loaded.id + 100) is None


@pytest.mark.parametrize("attempt", range(3))
async def test_a_confirmation_racing_the_completion_of_its_order_never_loses_or_doubles(
    uow_factory, rules, clock, attempt
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id  # 200
    now = clock.now()
    async with uow_factory() as uow:
        await record_repair_event(uow, rules, _event(f"received-{attempt}", RepairStatus.RECEIVED), now)
        redemption = await request_redemption(
            uow, rules, phone="+79161234567", points=60, order_id="R-5", bill_minor=20000, now=now
        )
        sent = [m for m in await uow.outbox.due(now, 10) if m.template == "redemption_code"]
        code = sent[0].context["code"]
        await uow.commit()

    async def confirm():
        try:
            async with uow_factory() as uow:
                outcome = await confirm_redemption(
                    uow, rules, redemption_id=redemption.id, code=code, now=now
                )
                await uow.commit()
                return outcome.refusal or "confirmed"
        except DomainError as exc:
            return exc

    async def complete():
        async with uow_factory() as uow:
            outcome = await record_repair_event(
                uow, rules, _event(f"race-{attempt}", RepairStatus.COMPLETED, amount_minor=20000), now
            )
            await uow.commit()
            return outcome

    confirmed, _ = await asyncio.gather(confirm(), complete())
    async with uow_factory() as uow:
        repair = await uow.repairs.by_order("R-5")
        balance = await uow.ledger.balance_of(cid)
        assert balance == await uow.ledger.sum_of_entries(cid)
    if confirmed == "confirmed":  # the completion saw the points: it earns on the money part only
        assert (repair.points_used, repair.paid_money_minor, balance) == (60, 14000, 200 - 60 + 4)
    else:  # the order closed first: nothing spent, full earning
        assert isinstance(confirmed, OrderClosed)
        assert (repair.points_used, repair.paid_money_minor, balance) == (0, 20000, 200 + 6)


async def test_two_codes_naming_different_bills_for_one_order_cannot_both_be_spent(uow_factory, rules, clock):
    """Two desks racing could each create a code; the second confirmation still sees the first bill."""
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id  # 200
    now = clock.now()
    salt = new_salt()
    async with uow_factory() as uow:
        await record_repair_event(uow, rules, _event("received", RepairStatus.RECEIVED), now)
        ids = []
        for bill in (10000, 100000):
            added = await uow.redemptions.add(
                Redemption(
                    customer_id=cid,
                    order_id="R-5",
                    points=30,
                    bill_minor=bill,
                    code_hash=hash_code("123456", salt),
                    code_salt=salt,
                    status=RedemptionStatus.PENDING,
                    created_at=now,
                    expires_at=now + timedelta(minutes=10),
                )
            )
            ids.append(added.id)
        await uow.commit()
    async with uow_factory() as uow:
        first = await confirm_redemption(uow, rules, redemption_id=ids[0], code="123456", now=now)
        await uow.commit()
    assert first.spent is not None
    with pytest.raises(BillMismatch):
        async with uow_factory() as uow:
            await confirm_redemption(uow, rules, redemption_id=ids[1], code="123456", now=now)
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(cid) == 170
        assert [r.bill_minor for r in await uow.redemptions.of_order("R-5")] == [10000, 100000]
        assert await uow.redemptions.of_order("R-6") == []


async def test_a_redemption_for_an_unreported_order_is_refused(uow_factory, rules, clock):
    await registered(uow_factory(), rules, clock.now())
    with pytest.raises(UnknownOrder):
        async with uow_factory() as uow:
            await request_redemption(
                uow, rules, phone=PHONE, points=10, order_id="R-404", bill_minor=10000, now=clock.now()
            )
