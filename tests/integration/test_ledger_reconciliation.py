"""The nightly reconciliation finds a planted mismatch, names the account, and changes nothing."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from domain.jobs import RunStatus
from domain.services.points import spend_points
from scheduler.jobs import JobDeps, build_jobs
from store.tables import customers, ledger_allocations, ledger_entries
from tests.builders import registered

DAY = date(2026, 11, 22)


async def _members(uow_factory, rules, clock, n: int) -> list[int]:
    ids = []
    for i in range(n):
        result = await registered(uow_factory(), rules, clock.now(), f"+7916123450{i}")
        assert result.customer.id is not None
        ids.append(result.customer.id)
    async with uow_factory() as uow:  # a spend, so lots and entries differ from the plain bonus
        await spend_points(uow, customer_id=ids[0], points=50, source_key="spend-1", now=clock.now())
        await uow.commit()
    return ids


async def _snapshot(engine) -> list[tuple]:
    async with engine.connect() as conn:
        rows = []
        for table in (customers, ledger_entries, ledger_allocations):
            rows += [tuple(r) for r in await conn.execute(sa.select(table).order_by(table.c.id))]
        return rows


async def test_a_consistent_ledger_has_no_mismatch(uow_factory, rules, clock):
    await _members(uow_factory, rules, clock, 3)
    jobs = build_jobs(JobDeps(uow_factory, clock, rules, "Europe/Moscow"))
    result = await jobs.run("ledger_reconciliation", DAY)
    assert result.counts == {"customers": 3, "mismatches": 0}
    assert result.details == {"mismatched_customer_ids": []}


async def test_a_planted_mismatch_is_reported_with_its_ids_and_never_fixed(engine, uow_factory, rules, clock):
    ids = await _members(uow_factory, rules, clock, 4)
    async with engine.begin() as conn:
        # A stored balance that moved without an entry, and a lot that lost points without one.
        await conn.execute(
            sa.update(customers)
            .where(customers.c.id == ids[1])
            .values(points_balance=customers.c.points_balance + 5)
        )
        await conn.execute(
            sa.update(ledger_entries)
            .where(ledger_entries.c.customer_id == ids[3], ledger_entries.c.remaining > 0)
            .values(remaining=ledger_entries.c.remaining - 10)
        )
    before = await _snapshot(engine)
    jobs = build_jobs(JobDeps(uow_factory, clock, rules, "Europe/Moscow"))
    result = await jobs.run("ledger_reconciliation", DAY)
    assert result.status == RunStatus.DONE
    assert result.counts == {"customers": 4, "mismatches": 2}
    assert result.details == {"mismatched_customer_ids": [ids[1], ids[3]]}
    assert await _snapshot(engine) == before
    again = await jobs.run("ledger_reconciliation", DAY)
    assert (again.status, again.counts, again.details) == (
        RunStatus.ALREADY_DONE,
        result.counts,
        result.details,
    )
