"""Repair events with in-memory fakes: the order's life, its points and its messages."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairItem, RepairStatus
from domain.rules import ProgramRules
from domain.services.repairs import record_repair_event
from tests.builders import registered
from tests.fakes import FakeUnitOfWork

PHONE = "+79161234567"


def _event(
    event_id: str,
    status: RepairStatus,
    at: datetime,
    *,
    order_id: str = "R-1",
    amount: int | None = None,
    phone: str = PHONE,
    items: tuple[RepairItem, ...] | None = None,
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
        occurred_at=at,
        amount_minor=amount,
        items=items,
    )


async def _apply(uow: FakeUnitOfWork, rules: ProgramRules, event: RecordRepairEvent, now: datetime):
    async with uow:
        outcome = await record_repair_event(uow, rules, event, now)
        await uow.commit()
    return outcome


async def test_a_repeated_event_id_is_a_duplicate_and_changes_nothing(rules, clock):
    uow = FakeUnitOfWork()
    await registered(uow, rules, clock.now())
    first = await _apply(
        uow, rules, _event("e1", RepairStatus.COMPLETED, clock.now(), amount=450000), clock.now()
    )
    again = await _apply(
        uow, rules, _event("e1", RepairStatus.COMPLETED, clock.now(), amount=450000), clock.now()
    )
    assert not first.duplicate and first.earned is not None and first.earned.entry.points == 135
    assert again.duplicate and again.repair is None
    assert len(uow.store.statuses) == 1


async def test_the_status_history_keeps_every_event_but_the_order_only_moves_forward(rules, clock):
    uow = FakeUnitOfWork()
    now = clock.now()
    await _apply(uow, rules, _event("e1", RepairStatus.READY, now - timedelta(hours=1)), now)
    await _apply(uow, rules, _event("e2", RepairStatus.DIAGNOSTICS, now - timedelta(hours=2)), now)
    await _apply(uow, rules, _event("e3", RepairStatus.COMPLETED, now, amount=1000), now)
    await _apply(uow, rules, _event("e4", RepairStatus.IN_REPAIR, now + timedelta(minutes=1)), now)
    repair = next(iter(uow.store.repairs.values()))
    assert repair.status is RepairStatus.COMPLETED and repair.completed_at == now
    assert [s[1] for s in uow.store.statuses] == ["ready", "diagnostics", "completed", "in_repair"]


async def test_a_completion_dated_in_the_future_counts_from_now(rules, clock):
    uow = FakeUnitOfWork()
    later = clock.now() + timedelta(days=3)
    outcome = await _apply(uow, rules, _event("e1", RepairStatus.COMPLETED, later, amount=1000), clock.now())
    assert outcome.repair is not None and outcome.repair.completed_at == clock.now()


async def test_a_non_members_repair_earns_nothing_and_writes_no_message(rules, clock):
    uow = FakeUnitOfWork()
    outcome = await _apply(
        uow, rules, _event("e1", RepairStatus.COMPLETED, clock.now(), amount=500000), clock.now()
    )
    assert outcome.earned is None and outcome.repair is not None
    assert outcome.repair.customer_id is None and outcome.repair.paid_money_minor == 500000
    assert uow.store.outbox == {}


async def test_linked_repairs_earn_retroactively_only_when_the_rules_say_so(rules, clock):
    generous = dataclasses.replace(
        rules, earning=dataclasses.replace(rules.earning, retroactive_for_linked_repairs=True)
    )
    uow = FakeUnitOfWork()
    before = clock.now() - timedelta(days=30)
    items = (RepairItem("card", "gift_card", 100000),)
    await _apply(
        uow, generous, _event("e1", RepairStatus.COMPLETED, before, amount=2100000, items=items), before
    )
    await _apply(
        uow, generous, _event("e2", RepairStatus.COMPLETED, before, order_id="R-2", amount=5000), before
    )
    await _apply(uow, generous, _event("e3", RepairStatus.CANCELLED, before, order_id="R-2"), before)
    result = await registered(uow, generous, clock.now())
    assert result.tier_upgrade is not None and result.tier_upgrade.key == "silver"
    # (21 000 - 1 000 gift card) at the silver rate 5 % = 1 000; the cancelled R-2 earns nothing
    assert result.welcome is not None and result.welcome.balance == 1000 + 200
    templates = sorted(m.template for m in uow.store.outbox.values())
    assert templates == ["badge_awarded", "points_earned"]  # the linked completed repair counts for the badge
    assert [key for (_, key) in uow.store.badges] == ["first_repair"]


async def test_by_default_linked_repairs_earn_nothing(rules, clock):
    uow = FakeUnitOfWork()
    before = clock.now() - timedelta(days=30)
    await _apply(uow, rules, _event("e1", RepairStatus.COMPLETED, before, amount=2000000), before)
    result = await registered(uow, rules, clock.now())
    assert result.welcome is not None and result.welcome.balance == 200
    assert result.customer.tier == "silver"


async def test_cancelling_before_completion_has_nothing_to_reverse(rules, clock):
    uow = FakeUnitOfWork()
    cid = (await registered(uow, rules, clock.now())).customer.id
    await _apply(uow, rules, _event("e1", RepairStatus.RECEIVED, clock.now()), clock.now())
    outcome = await _apply(uow, rules, _event("e2", RepairStatus.CANCELLED, clock.now()), clock.now())
    assert outcome.reversed == [] and outcome.repair is not None
    assert outcome.repair.cancelled_at == clock.now()
    async with uow:
        assert await uow.ledger.balance_of(cid) == 200  # type: ignore[arg-type]
    assert sorted(m.template for m in uow.store.outbox.values()) == ["repair_cancelled", "repair_received"]


async def test_messages_are_deduplicated_per_order_and_status(rules, clock):
    uow = FakeUnitOfWork()
    await registered(uow, rules, clock.now())
    now = clock.now()
    await _apply(uow, rules, _event("e1", RepairStatus.READY, now - timedelta(minutes=5)), now)
    await _apply(uow, rules, _event("e2", RepairStatus.IN_REPAIR, now - timedelta(minutes=4)), now)
    await _apply(uow, rules, _event("e3", RepairStatus.READY, now - timedelta(minutes=3)), now)
    keys = sorted(uow.store.outbox)
    assert keys == ["repair:R-1:status:ready"]
