"""The outbox lease with a small and a large backlog, in the same run (issue 19, item 2).

What the delivery loop does each round, `SqlOutboxRepository.claim` of 100 (the due queries under
FOR UPDATE SKIP LOCKED, then the lease by primary key), timed with 100 messages pending and again
after a campaign's worth has been enqueued at once (100 000 by default), without an ANALYZE in
between: the statistics are whatever the database has, as after a real campaign. Each claim runs in
a unit of work that is rolled back, so every one sees the same backlog. The floor, measured before
each: the same unit of work running `SELECT 1`. The backlog is deleted at the end, so the
benchmarks that follow on the same seeded database do not deliver it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.rules_file import load_rules
from benchmarks.common import BenchDatabase, Comparison, Result, run_load
from benchmarks.seed import BACKLOG_KEY, seed_backlog
from domain.reactions import ProgramReactions
from store.engine import session_factory
from store.tables import outbox
from store.uow import SqlUnitOfWork

BATCH = 100  # scheduler/delivery.py BATCH


async def bench(
    database: BenchDatabase,
    seeded: int,
    *,
    backlogs: tuple[int, ...] = (100, 100_000),
    operations: int = 200,
    max_seconds: float = 20,
) -> list[Comparison]:
    engine = database.engine()
    sessions = session_factory(engine)
    reactions = ProgramReactions(load_rules())

    async def measure(name: str, claim: bool) -> Result:
        async def one(_: int) -> bool:
            async with SqlUnitOfWork(sessions, reactions) as uow:  # rolled back: nothing leased
                if not claim:
                    await uow.session.execute(sa.text("SELECT 1"))
                    return True
                now = datetime.now(UTC)
                return len(await uow.outbox.claim(now, BATCH, now + timedelta(minutes=5))) == BATCH

        await run_load(name, range(20), one, workers=1, max_seconds=max_seconds)  # warm-up
        result = await run_load(name, range(operations), one, workers=1, max_seconds=max_seconds)
        if result.rest_cpu_s is not None and result.load_cpu_s is not None:
            result.rest_cpu_s, result.load_cpu_s = result.rest_cpu_s + result.load_cpu_s, None
        return result

    comparisons = []
    written = 0
    try:
        for pending in backlogs:
            await seed_backlog(engine, seeded, pending - written, schema=database.search_path, first=written)
            written = pending
            floor = await measure("SELECT 1 in a unit of work", claim=False)
            product = await measure(f"claim of {BATCH}, {pending} pending", claim=True)
            name = f"outbox lease, {pending:,} pending"
            comparisons.append(Comparison(name, database.kind, product, floor))
        return comparisons
    finally:
        async with engine.begin() as conn:
            await conn.execute(sa.delete(outbox).where(outbox.c.dedupe_key.startswith(BACKLOG_KEY)))
        await engine.dispose()
