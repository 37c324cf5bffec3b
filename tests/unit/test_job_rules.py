"""The jobs' domain rules with fakes: whose birthday a day is, and what the use cases record."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.birthday_bonus import celebrated_dates, earns_birthday_bonus, is_birthday
from domain.ledger import EntryKind
from domain.services.birthdays import grant_birthday_bonus
from domain.services.expiry import warn_of_expiry
from domain.services.points import earn_points
from tests.builders import registered
from tests.fakes import FakeUnitOfWork

DAY_START = datetime(2026, 3, 14, 21, 0, tzinfo=UTC)  # 15 March, midnight in Moscow


@pytest.mark.parametrize(
    ("day", "dates"),
    [
        (date(2027, 2, 28), [(2, 28), (2, 29)]),
        (date(2028, 2, 28), [(2, 28)]),
        (date(2028, 2, 29), [(2, 29)]),
        (date(2027, 3, 1), [(3, 1)]),
    ],
)
def test_29_february_joins_28_february_only_in_common_years(day, dates):
    assert celebrated_dates(day) == dates


def test_is_birthday_ignores_the_year_of_birth():
    assert is_birthday(date(1992, 2, 29), date(2027, 2, 28))
    assert not is_birthday(date(1992, 2, 29), date(2027, 3, 1))


async def test_a_birthday_set_exactly_min_days_before_the_day_earns(rules, clock):
    uow = FakeUnitOfWork()
    customer = (await registered(uow, rules, clock.now(), birthday=date(1990, 3, 15))).customer
    waited = replace(customer, birthday_set_at=DAY_START - timedelta(days=30))
    hurried = replace(customer, birthday_set_at=DAY_START - timedelta(days=30) + timedelta(seconds=1))
    assert earns_birthday_bonus(waited, date(2026, 3, 15), DAY_START, 30)
    assert not earns_birthday_bonus(hurried, date(2026, 3, 15), DAY_START, 30)
    assert not earns_birthday_bonus(replace(waited, deleted_at=clock.now()), date(2026, 3, 15), DAY_START, 30)


async def test_the_bonus_records_its_event_and_the_reaction_greets_once(rules, clock):
    uow = FakeUnitOfWork()
    cid = (
        await registered(uow, rules, datetime(2025, 1, 1, tzinfo=UTC), birthday=date(1990, 3, 15))
    ).customer.id
    for _ in range(2):
        async with uow:
            await grant_birthday_bonus(
                uow,
                rules,
                customer_id=cid,
                day=date(2026, 3, 15),
                day_start=DAY_START,
                timezone="Europe/Moscow",
                now=clock.now(),
            )
            await uow.commit()
    greetings = [m for m in uow.store.outbox.values() if m.template == "birthday_bonus"]
    assert [(m.customer_id, m.context) for m in greetings] == [
        (cid, {"points": 500, "expires_on": "2026-04-14", "balance": 700})
    ]


async def test_the_expiry_warning_is_claimed_once_per_lot(rules, clock):
    uow = FakeUnitOfWork()
    cid = (await registered(uow, rules, clock.now())).customer.id
    async with uow:
        lot = (
            await earn_points(
                uow,
                customer_id=cid,
                points=40,
                kind=EntryKind.ADJUSTMENT,
                source_key="gift",
                now=clock.now(),
                expires_in_days=5,
            )
        ).entry
        await uow.commit()
    sent = []
    for _ in range(2):
        async with uow:
            sent.append(await warn_of_expiry(uow, lot=lot, timezone="Europe/Moscow", now=clock.now()))
            await uow.commit()
    assert sent == [True, False]
    assert uow.store.outbox[f"expiry_warning:{lot.id}"].context == {
        "points": 40,
        "expires_on": "2026-11-27",
        "balance": 240,
    }
