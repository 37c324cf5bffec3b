"""The points ledger, against in-memory fakes of the ports."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from domain.clock import FixedClock
from domain.errors import (
    AlreadyReversed,
    InsufficientPoints,
    InvalidAmount,
    NotReversible,
    SourceKeyConflict,
)
from domain.ledger import EntryKind
from domain.rules import Bonus, ProgramRules
from domain.services.points import adjust_points, earn_points, expire_lot, reverse_entry, spend_points
from tests.builders import registered
from tests.fakes import FakeUnitOfWork


@pytest.fixture
def no_welcome(rules: ProgramRules) -> ProgramRules:
    return replace(rules, welcome=Bonus(0, 1))


async def _customer(uow: FakeUnitOfWork, rules: ProgramRules, clock: FixedClock) -> int:
    result = await registered(uow, rules, clock.now())
    assert result.customer.id is not None
    return result.customer.id


async def _earn(
    uow: FakeUnitOfWork, cid: int, points: int, key: str, clock: FixedClock, days: int | None = 365
):
    async with uow:
        result = await earn_points(
            uow,
            customer_id=cid,
            points=points,
            kind=EntryKind.EARN,
            source_key=key,
            now=clock.now(),
            expires_in_days=days,
        )
        await uow.commit()
    return result


async def _spend(uow: FakeUnitOfWork, cid: int, points: int, key: str, clock: FixedClock):
    async with uow:
        result = await spend_points(uow, customer_id=cid, points=points, source_key=key, now=clock.now())
        await uow.commit()
    return result


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
async def cid(uow: FakeUnitOfWork, no_welcome: ProgramRules, clock: FixedClock) -> int:
    return await _customer(uow, no_welcome, clock)


async def test_an_earning_is_a_lot_that_expires_after_its_own_term(uow, cid, clock):
    result = await _earn(uow, cid, 150, "repair:R-1", clock, days=365)
    assert result.balance == 150
    assert result.entry.remaining == 150
    assert result.entry.expires_at == clock.now() + timedelta(days=365)


async def test_spending_takes_the_oldest_expiring_lots_first(uow, cid, clock):
    late = await _earn(uow, cid, 100, "a", clock, days=300)
    soon = await _earn(uow, cid, 100, "b", clock, days=30)
    forever = await _earn(uow, cid, 100, "c", clock, days=None)
    result = await _spend(uow, cid, 150, "spend-1", clock)
    taken = {a.lot_id: a.points for a in result.allocations}
    assert taken == {soon.entry.id: 100, late.entry.id: 50}
    assert forever.entry.id not in taken
    assert result.balance == 150


async def test_spending_more_than_the_balance_is_refused_and_changes_nothing(uow, cid, clock):
    await _earn(uow, cid, 100, "a", clock)
    with pytest.raises(InsufficientPoints) as refused:
        await _spend(uow, cid, 101, "spend-1", clock)
    assert refused.value.available == 100
    async with uow:
        assert await uow.ledger.balance_of(cid) == 100
        assert await uow.ledger.by_source_key("spend-1") is None


async def test_a_repeated_source_key_returns_the_first_result_and_changes_nothing(uow, cid, clock):
    first = await _earn(uow, cid, 100, "repair:R-1", clock)
    again = await _earn(uow, cid, 999, "repair:R-1", clock)
    assert again.duplicate and again.entry.id == first.entry.id and again.entry.points == 100
    spent = await _spend(uow, cid, 30, "redeem:1", clock)
    spent_again = await _spend(uow, cid, 30, "redeem:1", clock)
    assert spent_again.duplicate and spent_again.entry.id == spent.entry.id
    assert spent_again.balance == 70


async def test_a_source_key_used_by_another_customer_is_a_conflict(uow, no_welcome, cid, clock):
    other = await registered(uow, no_welcome, clock.now(), phone="+79161112233")
    await _earn(uow, cid, 10, "shared-key", clock)
    assert other.customer.id is not None
    with pytest.raises(SourceKeyConflict):
        await _earn(uow, other.customer.id, 10, "shared-key", clock)


async def test_reversing_a_spend_gives_the_points_back_to_their_lots(uow, cid, clock):
    lot = await _earn(uow, cid, 100, "a", clock)
    spend = await _spend(uow, cid, 60, "s", clock)
    async with uow:
        result = await reverse_entry(uow, entry_id=spend.entry.id, source_key="rev:s", now=clock.now())
        await uow.commit()
    assert result.entry.points == 60 and result.entry.reverses_id == spend.entry.id
    assert result.balance == 100
    async with uow:
        restored = await uow.ledger.get(lot.entry.id)
    assert restored is not None and restored.remaining == 100


async def test_reversing_an_earning_takes_its_own_lot_first(uow, cid, clock):
    older = await _earn(uow, cid, 100, "older", clock, days=10)
    earned = await _earn(uow, cid, 50, "repair:R-9", clock, days=365)
    async with uow:
        result = await reverse_entry(uow, entry_id=earned.entry.id, source_key="cancel:R-9", now=clock.now())
        await uow.commit()
    assert result.entry.points == -50
    assert {a.lot_id: a.points for a in result.allocations} == {earned.entry.id: 50}
    async with uow:
        assert (await uow.ledger.get(older.entry.id)).remaining == 100  # type: ignore[union-attr]


async def test_reversing_an_earning_already_spent_never_takes_the_balance_below_zero(uow, cid, clock):
    earned = await _earn(uow, cid, 100, "repair:R-1", clock)
    await _spend(uow, cid, 80, "redeem", clock)
    async with uow:
        result = await reverse_entry(uow, entry_id=earned.entry.id, source_key="cancel:R-1", now=clock.now())
        await uow.commit()
    assert result.entry.points == -20
    assert result.balance == 0


async def test_an_entry_is_reversed_at_most_once(uow, cid, clock):
    earned = await _earn(uow, cid, 100, "a", clock)
    async with uow:
        await reverse_entry(uow, entry_id=earned.entry.id, source_key="rev-1", now=clock.now())
        await uow.commit()
    with pytest.raises(AlreadyReversed):
        async with uow:
            await reverse_entry(uow, entry_id=earned.entry.id, source_key="rev-2", now=clock.now())
    async with uow:  # the same correction retried is a replay, not an error
        replay = await reverse_entry(uow, entry_id=earned.entry.id, source_key="rev-1", now=clock.now())
    assert replay.duplicate


async def test_expiries_and_reversals_are_not_reversible(uow, cid, clock):
    earned = await _earn(uow, cid, 100, "a", clock, days=1)
    clock.advance(timedelta(days=2))
    async with uow:
        expired = await expire_lot(uow, lot_id=earned.entry.id, now=clock.now())
        await uow.commit()
    assert expired is not None and expired.entry.points == -100 and expired.balance == 0
    with pytest.raises(NotReversible):
        async with uow:
            await reverse_entry(uow, entry_id=expired.entry.id, source_key="rev-x", now=clock.now())


async def test_a_lot_expires_once_and_only_after_its_term(uow, cid, clock):
    earned = await _earn(uow, cid, 100, "a", clock, days=30)
    async with uow:
        assert await expire_lot(uow, lot_id=earned.entry.id, now=clock.now() + timedelta(days=29)) is None
    async with uow:
        first = await expire_lot(uow, lot_id=earned.entry.id, now=clock.now() + timedelta(days=30))
        await uow.commit()
    async with uow:
        second = await expire_lot(uow, lot_id=earned.entry.id, now=clock.now() + timedelta(days=31))
    async with uow:
        same_day = await expire_lot(
            uow, lot_id=earned.entry.id, now=clock.now() + timedelta(days=30, hours=1)
        )
    assert first is not None and not first.duplicate
    assert same_day is not None and same_day.duplicate and same_day.entry.id == first.entry.id
    assert second is None  # nothing left to expire


async def test_an_adjustment_needs_a_reason_and_a_non_zero_amount(uow, cid, clock):
    with pytest.raises(InvalidAmount):
        async with uow:
            await adjust_points(
                uow,
                customer_id=cid,
                points=10,
                reason=" ",
                author="admin",
                source_key="adj",
                now=clock.now(),
                expires_in_days=None,
            )
    with pytest.raises(InvalidAmount):
        async with uow:
            await adjust_points(
                uow,
                customer_id=cid,
                points=0,
                reason="oops",
                author="admin",
                source_key="adj",
                now=clock.now(),
                expires_in_days=None,
            )
    async with uow:
        plus = await adjust_points(
            uow,
            customer_id=cid,
            points=40,
            reason="goodwill",
            author="admin",
            source_key="adj-1",
            now=clock.now(),
            expires_in_days=None,
        )
        minus = await adjust_points(
            uow,
            customer_id=cid,
            points=-15,
            reason="typo",
            author="admin",
            source_key="adj-2",
            now=clock.now(),
            expires_in_days=None,
        )
    assert plus.entry.author == "admin" and minus.entry.points == -15 and minus.balance == 25


async def test_points_given_back_to_an_expired_lot_expire_on_the_next_run(uow, cid, clock):
    lot = await _earn(uow, cid, 100, "a", clock, days=10)
    spend = await _spend(uow, cid, 60, "order-paid", clock)
    clock.advance(timedelta(days=11))
    async with uow:
        first = await expire_lot(uow, lot_id=lot.entry.id, now=clock.now())
        await uow.commit()
    assert first is not None and first.entry.points == -40
    async with uow:  # the order is cancelled: the 60 points go back to the lot they came from
        await reverse_entry(uow, entry_id=spend.entry.id, source_key="refund", now=clock.now())
        await uow.commit()
    clock.advance(timedelta(days=1))
    async with uow:
        again = await expire_lot(uow, lot_id=lot.entry.id, now=clock.now())
        await uow.commit()
    assert again is not None and not again.duplicate and again.entry.points == -60 and again.balance == 0
    async with uow:
        assert await uow.ledger.due_lots(clock.now(), 10) == []
