"""Points expiry: lot by lot on its own date, warned once ahead, and what was spent meanwhile is safe."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import sqlalchemy as sa

from domain.jobs import RunStatus
from domain.ledger import EntryKind
from domain.services.points import earn_points, spend_points
from scheduler.jobs import JobDeps, build_jobs
from store.tables import ledger_entries, outbox
from tests.builders import registered, uow_on
from tests.day_jobs import ArrivingJobs

TZ = "Europe/Moscow"
# Registered at NOW (2026-11-22 10:00 Moscow): the welcome lot (200) ends 2027-02-20 10:00 Moscow.
WELCOME_ENDS = date(2027, 2, 20)


async def _member(uow_factory, rules, clock, phone: str = "+79161234567") -> int:
    result = await registered(uow_factory(), rules, clock.now(), phone)
    assert result.customer.id is not None
    return result.customer.id


def _jobs(uow_factory, clock, rules):
    return ArrivingJobs(build_jobs(JobDeps(uow_factory, clock, rules, TZ)), clock, TZ)


async def _balance(uow_factory, cid: int) -> int:
    async with uow_factory() as uow:
        stored = await uow.ledger.balance_of(cid)
        lots = sum(lot.remaining or 0 for lot in await uow.ledger.open_lots(cid))
        assert stored == await uow.ledger.sum_of_entries(cid) == lots
        return stored


async def _warnings(engine) -> list[tuple[int, dict]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.customer_id, outbox.c.context)
            .where(outbox.c.template == "points_expiring")
            .order_by(outbox.c.id)
        )
        return [(r[0], r[1]) for r in rows]


async def _expiries(engine) -> list[tuple[int, int]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(ledger_entries.c.customer_id, ledger_entries.c.points)
            .where(ledger_entries.c.kind == EntryKind.EXPIRE.value)
            .order_by(ledger_entries.c.id)
        )
        return [tuple(r) for r in rows]


async def test_each_lot_expires_on_its_own_date_and_never_early(engine, uow_factory, clock, rules):
    cid = await _member(uow_factory, rules, clock)
    async with uow_factory() as uow:  # a second lot with the yearly term
        await earn_points(
            uow,
            customer_id=cid,
            points=100,
            kind=EntryKind.EARN,
            source_key="repair:R-1",
            now=clock.now(),
            expires_in_days=rules.earning.expires_days,
        )
        await uow.commit()
    jobs = _jobs(uow_factory, clock, rules)
    on_the_day = await jobs.run("points_expiry", WELCOME_ENDS)  # usable through its last day
    assert on_the_day.counts["lots_expired"] == 0 and await _balance(uow_factory, cid) == 300
    after = await jobs.run("points_expiry", WELCOME_ENDS + timedelta(days=1))
    assert after.counts == {"lots_expired": 1, "points_expired": 200, "warnings": 0, "failed": 0}
    assert await _expiries(engine) == [(cid, -200)]
    assert await _balance(uow_factory, cid) == 100


async def test_the_warning_goes_seven_days_ahead_once_per_lot(engine, uow_factory, clock, rules):
    cid = await _member(uow_factory, rules, clock)
    jobs = _jobs(uow_factory, clock, rules)
    ahead = WELCOME_ENDS - timedelta(days=rules.expiry.warn_days_ahead)
    early = await jobs.run("points_expiry", ahead - timedelta(days=1))
    assert early.counts["warnings"] == 0
    on_time = await jobs.run("points_expiry", ahead)
    assert on_time.counts["warnings"] == 1
    assert await _warnings(engine) == [(cid, {"points": 200, "expires_on": "2027-02-20", "balance": 200})]
    for later in range(1, 8):  # the lot stays in the window every day until it expires
        result = await jobs.run("points_expiry", ahead + timedelta(days=later))
        assert result.counts["warnings"] == 0
    assert len(await _warnings(engine)) == 1


async def test_points_spent_between_the_warning_and_the_expiry_are_not_taken_again(
    engine, uow_factory, clock, rules
):
    cid = await _member(uow_factory, rules, clock)
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("points_expiry", WELCOME_ENDS - timedelta(days=7))
    async with uow_factory() as uow:
        await spend_points(uow, customer_id=cid, points=150, source_key="spend-1", now=clock.now())
        await uow.commit()
    result = await jobs.run("points_expiry", WELCOME_ENDS + timedelta(days=1))
    assert result.counts["points_expired"] == 50
    assert await _expiries(engine) == [(cid, -50)]
    assert await _balance(uow_factory, cid) == 0


async def test_a_lot_spent_before_its_warning_is_not_warned(engine, uow_factory, clock, rules):
    cid = await _member(uow_factory, rules, clock)
    async with uow_factory() as uow:
        await spend_points(uow, customer_id=cid, points=200, source_key="spend-all", now=clock.now())
        await uow.commit()
    await _jobs(uow_factory, clock, rules).run("points_expiry", WELCOME_ENDS - timedelta(days=7))
    assert await _warnings(engine) == []


async def test_the_job_twice_and_on_two_replicas_expires_once(database, engine, uow_factory, clock, rules):
    ids = [await _member(uow_factory, rules, clock, f"+7916123450{i}") for i in range(4)]
    day = WELCOME_ENDS + timedelta(days=1)
    other = database.engine()
    try:
        a = ArrivingJobs(build_jobs(JobDeps(uow_on(engine, rules), clock, rules, TZ)), clock, TZ)
        b = ArrivingJobs(build_jobs(JobDeps(uow_on(other, rules), clock, rules, TZ)), clock, TZ)
        results = await asyncio.gather(a.run("points_expiry", day), b.run("points_expiry", day))
    finally:
        await other.dispose()
    assert sorted(r.status for r in results) == [RunStatus.ALREADY_DONE, RunStatus.DONE]
    again = await _jobs(uow_factory, clock, rules).run("points_expiry", day)
    assert again.status == RunStatus.ALREADY_DONE and again.counts["points_expired"] == 800
    assert sorted(await _expiries(engine)) == sorted((cid, -200) for cid in ids)
    for cid in ids:
        assert await _balance(uow_factory, cid) == 0
