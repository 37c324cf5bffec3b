"""Redemptions in the store, and the desk racing the repair system, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from domain.errors import DomainError
from domain.redemptions import OrderClosed, Redemption, RedemptionStatus
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.services.redemptions import confirm_redemption, request_redemption
from domain.services.repairs import record_repair_event
from tests.builders import registered


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
                uow,
                rules,
                RecordRepairEvent(
                    event_id=f"race-{attempt}",
                    type=RepairEventType.COMPLETED,
                    order_id="R-5",
                    phone="+79161234567",
                    status=RepairStatus.COMPLETED,
                    device_category=DeviceCategory.PHONE,
                    occurred_at=now,
                    amount_minor=20000,
                ),
                now,
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
