"""Birthday bonuses: the shop's date, 29 February, a recent change, and once a year however it runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from domain.jobs import RunStatus
from domain.ledger import EntryKind
from domain.services.registration import set_birthday
from scheduler.jobs import JobDeps, build_jobs
from store.tables import ledger_entries, outbox
from tests.builders import registered, uow_on
from tests.day_jobs import ArrivingJobs

TZ = "Europe/Moscow"
LONG_AGO = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)


async def _member(uow_factory, rules, phone: str, birthday: date, at: datetime = LONG_AGO, **extra) -> int:
    result = await registered(uow_factory(), rules, at, phone, birthday=birthday, **extra)
    assert result.customer.id is not None
    return result.customer.id


def _jobs(uow_factory, clock, rules):
    return ArrivingJobs(build_jobs(JobDeps(uow_factory, clock, rules, TZ)), clock, TZ)


async def _bonuses(engine) -> list[tuple[int, int, str, datetime, datetime]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(
                ledger_entries.c.customer_id,
                ledger_entries.c.points,
                ledger_entries.c.source_key,
                ledger_entries.c.created_at,
                ledger_entries.c.expires_at,
            )
            .where(ledger_entries.c.kind == EntryKind.BIRTHDAY.value)
            .order_by(ledger_entries.c.id)
        )
        return [tuple(r) for r in rows]


async def _greetings(engine) -> list[tuple[int, dict]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.customer_id, outbox.c.context, outbox.c.marketing)
            .where(outbox.c.template == "birthday_bonus")
            .order_by(outbox.c.id)
        )
        return [(r[0], r[1], r[2]) for r in rows]


async def test_the_bonus_comes_on_the_birthday_with_a_greeting_and_its_expiry(
    engine, uow_factory, clock, rules
):
    cid = await _member(uow_factory, rules, "+79161234501", date(1990, 3, 15), marketing_opt_in=False)
    other = await _member(uow_factory, rules, "+79161234502", date(1990, 3, 16))
    result = await _jobs(uow_factory, clock, rules).run("birthday_bonuses", date(2026, 3, 15))
    assert result.counts == {"granted": 1, "points": 500, "not_eligible": 0, "failed": 0}
    day_start = datetime(2026, 3, 14, 21, 0, tzinfo=UTC)  # midnight in Moscow
    assert await _bonuses(engine) == [
        (cid, 500, f"birthday:{cid}:2026", day_start, day_start + timedelta(days=30))
    ]
    # Transactional: it needs no marketing consent.
    assert await _greetings(engine) == [
        (cid, {"points": 500, "expires_on": "2026-04-14", "balance": 700}, False)
    ]
    assert other != cid


async def test_the_birthday_is_the_shops_date_from_its_midnight(engine, uow_factory, clock, rules):
    born_15th = await _member(uow_factory, rules, "+79161234501", date(1990, 3, 15))
    await _member(uow_factory, rules, "+79161234502", date(1990, 3, 14))
    clock.set(datetime(2026, 3, 14, 21, 30, tzinfo=UTC))  # still the 14th in UTC, 00:30 on the 15th in Moscow
    jobs = _jobs(uow_factory, clock, rules)
    assert jobs.today() == date(2026, 3, 15)
    await jobs.run("birthday_bonuses", jobs.today())
    assert [row[0] for row in await _bonuses(engine)] == [born_15th]


async def test_29_february_is_celebrated_on_28_february_in_other_years(engine, uow_factory, clock, rules):
    leapling = await _member(uow_factory, rules, "+79161234501", date(1992, 2, 29))
    born_28th = await _member(uow_factory, rules, "+79161234502", date(1991, 2, 28))
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("birthday_bonuses", date(2027, 2, 28))  # 2027 has no 29 February
    assert sorted(r[0] for r in await _bonuses(engine)) == [leapling, born_28th]
    await jobs.run("birthday_bonuses", date(2028, 2, 28))  # 2028 has one: the 28th is not the leapling's
    await jobs.run("birthday_bonuses", date(2028, 2, 29))
    keys = [r[2] for r in await _bonuses(engine)]
    assert keys[2:] == [f"birthday:{born_28th}:2028", f"birthday:{leapling}:2028"]


async def test_a_birthday_entered_or_changed_recently_earns_nothing_that_year(
    engine, uow_factory, clock, rules
):
    day = date(2026, 3, 15)
    day_start = datetime(2026, 3, 14, 21, 0, tzinfo=UTC)
    fresh = await _member(
        uow_factory, rules, "+79161234501", date(1990, 3, 15), at=day_start - timedelta(days=29)
    )
    waited = await _member(
        uow_factory, rules, "+79161234502", date(1990, 3, 15), at=day_start - timedelta(days=30)
    )
    moved = await _member(uow_factory, rules, "+79161234503", date(1990, 7, 1))
    async with uow_factory() as uow:  # moved to "today" ten days before
        await set_birthday(uow, moved, date(1990, 3, 15), day_start - timedelta(days=10))
        await uow.commit()
    result = await _jobs(uow_factory, clock, rules).run("birthday_bonuses", day)
    assert [r[0] for r in await _bonuses(engine)] == [waited]
    assert result.counts["not_eligible"] == 2 and fresh != waited
    await _jobs(uow_factory, clock, rules).run("birthday_bonuses", date(2027, 3, 15))  # next year they do
    next_year = {r[2] for r in await _bonuses(engine) if r[2].endswith(":2027")}
    assert next_year == {f"birthday:{cid}:2027" for cid in (fresh, waited, moved)}


async def test_the_job_twice_pays_once(engine, uow_factory, clock, rules):
    cid = await _member(uow_factory, rules, "+79161234501", date(1990, 3, 15))
    jobs = _jobs(uow_factory, clock, rules)
    first = await jobs.run("birthday_bonuses", date(2026, 3, 15))
    again = await jobs.run("birthday_bonuses", date(2026, 3, 15))
    assert (first.status, again.status) == (RunStatus.DONE, RunStatus.ALREADY_DONE)
    assert len(await _bonuses(engine)) == len(await _greetings(engine)) == 1
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(cid) == await uow.ledger.sum_of_entries(cid) == 700


async def test_two_replicas_at_once_pay_once(database, engine, clock, rules, uow_factory):
    for i in range(5):
        await _member(uow_factory, rules, f"+7916123450{i}", date(1990, 3, 15))
    other = database.engine()
    try:
        a = ArrivingJobs(build_jobs(JobDeps(uow_on(engine, rules), clock, rules, TZ)), clock, TZ)
        b = ArrivingJobs(build_jobs(JobDeps(uow_on(other, rules), clock, rules, TZ)), clock, TZ)
        results = await asyncio.gather(
            a.run("birthday_bonuses", date(2026, 3, 15)), b.run("birthday_bonuses", date(2026, 3, 15))
        )
    finally:
        await other.dispose()
    assert sorted(r.status for r in results) == [RunStatus.ALREADY_DONE, RunStatus.DONE]
    assert len(await _bonuses(engine)) == len(await _greetings(engine)) == 5


async def test_the_same_years_bonus_is_never_paid_twice_even_without_the_claim(
    engine, uow_factory, clock, rules
):
    from domain.services.birthdays import grant_birthday_bonus

    cid = await _member(uow_factory, rules, "+79161234501", date(1990, 3, 15))
    day_start = datetime(2026, 3, 14, 21, 0, tzinfo=UTC)
    for _ in range(2):
        async with uow_factory() as uow:
            await grant_birthday_bonus(
                uow,
                rules,
                customer_id=cid,
                day=date(2026, 3, 15),
                day_start=day_start,
                timezone=TZ,
                now=clock.now(),
            )
            await uow.commit()
    assert len(await _bonuses(engine)) == len(await _greetings(engine)) == 1
