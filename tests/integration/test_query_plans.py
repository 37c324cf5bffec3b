"""No hot query reads a whole large table, on either database, with the statistics a young
production database has (issue 19).

The statements are the ones the product sends: each hot query is a call of the repositories or
read models (benchmarks/plans.py), its SQL captured and EXPLAINed with its own parameters. The
schema is seeded in bulk (benchmarks/seed.py) into a database of this test's own, with autovacuum
off, in two states of the statistics that production meets:

- `missing`: never analyzed (a bulk import, a restore, a database just migrated and filled);
- `stale`: analyzed with the history in place, then a campaign's backlog enqueued at once, so the
  statistics say that almost nothing is pending while most of the outbox is (issue 19, item 2).

Why these sizes are enough: 2 000 customers are 64 000 rows (hundreds of pages of the history
tables, ~90 of customers), well past the few pages below which a planner rightly reads a table
whole, so a plan that still scans here scans at any size. The outbox needs more: the lease
updates 100 rows by id, and below ~40 000 rows PostgreSQL (statistics missing) rightly finds one
pass over the table's pages cheaper than 100 primary-key probes (a Seq Scan at 20 000 pending,
cost 530 against 606); from there on it takes the primary key, as it does at 100 000 pending
(benchmarks/README.md). 50 000 pending leaves a margin. Seeding takes a few seconds per state.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from benchmarks.plans import hot_queries, plans_of, prepared
from store import migrate
from tests.conftest import Database

CUSTOMERS = 2_000
PENDING = 50_000


@pytest.fixture(params=["missing", "stale"])
async def seeded(request: pytest.FixtureRequest, database: Database) -> AsyncIterator[AsyncEngine]:
    """A database of its own (a new SQLite file; a new PostgreSQL schema), seeded, statistics as named."""
    schema = None
    if database.kind == "postgres":
        schema = f"plans_{uuid.uuid4().hex[:12]}"
        admin = create_async_engine(database.url)
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        engine = Database(database.kind, database.url, schema).engine()
    else:
        engine = database.engine()
    try:
        await migrate.upgrade(engine)
        await prepared(engine, CUSTOMERS, PENDING, request.param, schema)
        yield engine
    finally:
        await engine.dispose()
        if schema is not None:
            async with admin.begin() as conn:
                await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()


async def test_no_hot_query_reads_a_whole_large_table(seeded, rules):
    plans = await plans_of(seeded, rules, CUSTOMERS // 2, datetime.now(UTC))

    assert {plan.query for plan in plans} == set(hot_queries(rules)), "every hot query was planned"
    scans = [plan for plan in plans if plan.full_scans]
    assert not scans, "\n\n".join(
        "; ".join(plan.full_scans) + "\n" + plan.statement + "\n" + "\n".join(plan.lines) for plan in scans
    )
