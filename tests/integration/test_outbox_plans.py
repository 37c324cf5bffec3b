"""The outbox due query reads only what it returns, in index order, with a large backlog and the
statistics a freshly enqueued campaign has (none): no scan of the table, no sort (issue 19)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from store.repositories.bookkeeping import PREFER_INDEX_ORDER, due_query
from store.tables import outbox
from tests.builders import registered

BACKLOG = 30_000


async def _plan(engine, query) -> str:
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    async with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)).fetchall()
        else:
            await conn.exec_driver_sql(PREFER_INDEX_ORDER)
            rows = (await conn.exec_driver_sql("EXPLAIN " + sql)).fetchall()
        await conn.rollback()
    return "\n".join(str(row[-1]) for row in rows)


async def test_the_due_query_walks_the_due_index_in_order_over_a_large_backlog(
    engine, uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    due = clock.now() - timedelta(minutes=1)
    rows = [
        {
            "customer_id": cid,
            "template": "welcome",
            "context": {},
            "dedupe_key": f"run-1:{n}",
            "marketing": n % 3 != 0,
            "status": "pending" if n % 5 else "sent",
            "attempts": 0,
            "next_attempt_at": due,
            "created_at": due,
        }
        for n in range(BACKLOG)
    ]
    async with engine.begin() as conn:
        await conn.execute(sa.insert(outbox), rows)
    for marketing in (False, True):
        query = due_query(marketing, clock.now(), 100)
        if engine.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        plan = await _plan(engine, query)
        assert "ix_outbox_due" in plan, plan
        for bad in ("SCAN outbox", "TEMP B-TREE", "Seq Scan", "Sort", "Bitmap"):
            assert bad not in plan, plan
