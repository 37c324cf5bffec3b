"""The plans of the hot queries, taken from the repositories themselves (issue 19).

Each hot query is a call of the product's own code (a repository method, a read model) in a unit
of work that is rolled back; the SQL it issues is captured with a SQLAlchemy `before_cursor_execute`
listener and then EXPLAINed with the very parameters it ran with, in the same order (a `SET LOCAL`
the call issued applies to what follows, as it did). So the plans are those of the statements
the product sends, not of SQL copied by hand. `full_scans` names what reads a whole large table.

    python -m benchmarks.plans 100000 --pending 100000 --stats stale [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.rules_file import load_rules
from benchmarks.seed import TELEGRAM_BASE, phone_of
from domain.customers import Channel
from domain.reactions import ProgramReactions
from domain.rules import ProgramRules
from domain.services.customers import live_customer
from domain.services.views import get_balance_view, get_invite_view, get_repairs_view
from scheduler.delivery import BATCH, LEASE, MARKETING_PER_ROUND
from scheduler.delivery_round import Recipients
from store.engine import session_factory
from store.uow import SqlUnitOfWork

LARGE_TABLES = frozenset(
    {
        "customers",
        "channel_identities",
        "repairs",
        "repair_status_history",
        "processed_events",
        "ledger_entries",
        "outbox",
    }
)
_EXPLAINABLE = ("SELECT", "UPDATE", "INSERT", "DELETE", "WITH")
_SQLITE_SCAN = re.compile(r"^SCAN (\w+)")

Query = Callable[[SqlUnitOfWork, int, datetime], Awaitable[Any]]


def hot_queries(rules: ProgramRules) -> dict[str, Query]:
    """What the edges run per request or per delivery round; each gets a customer index and now."""

    async def by_phone(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        assert await uow.customers.by_phone(phone_of(i)) is not None

    async def by_channel_id(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        assert await uow.identities.get(Channel.TELEGRAM, str(TELEGRAM_BASE + i)) is not None

    async def card(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        await live_customer(uow, i + 1)
        await uow.identities.of_customer(i + 1)

    async def ledger_page(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        page = await uow.ledger.history(i + 1, limit=51)
        await uow.ledger.history(i + 1, limit=51, before_id=page[-1].id)

    async def balance(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        await get_balance_view(uow, await live_customer(uow, i + 1))

    async def repairs_screen(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        await get_repairs_view(uow, await live_customer(uow, i + 1))

    async def invite_counts(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        await get_invite_view(uow, rules, await live_customer(uow, i + 1), "https://t.me/x?start=y")

    async def outbox_lease(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        # what the delivery loop runs each round: the due queries (transactional, then marketing)
        # under FOR UPDATE SKIP LOCKED, then the lease by primary key. (`outbox.due` is read by
        # tests only.)
        await uow.outbox.claim(now, BATCH, now + LEASE, marketing_limit=MARKETING_PER_ROUND)

    async def round_recipients(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        # read in the claim's transaction, once a round: the batch's customers, their identities
        # and their marketing sent in the cap window (scheduler/delivery_round.py)
        batch = await uow.outbox.claim(now, BATCH, now + LEASE, marketing_limit=MARKETING_PER_ROUND)
        await Recipients().read(uow, batch, now)

    async def event_claim(uow: SqlUnitOfWork, i: int, now: datetime) -> None:
        await uow.events.claim(f"plan-probe-{i}", "repairs", now)
        await uow.events.seen(f"seed-{i}-0-0")

    return {
        "customer by phone": by_phone,
        "customer by channel id": by_channel_id,
        "the card": card,
        "the ledger page": ledger_page,
        "the balance screen": balance,
        "the repairs screen": repairs_screen,
        "the invite counts": invite_counts,
        "the outbox due query and lease": outbox_lease,
        "the delivery round's recipients": round_recipients,
        "event claims": event_claim,
    }


@dataclass
class Plan:
    query: str  # the hot query's name
    statement: str
    lines: list[str]  # SQLite: EXPLAIN QUERY PLAN details; PostgreSQL: one line per plan node
    full_scans: list[str]


@contextlib.contextmanager
def capturing(engine: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) the engine sends to the driver inside the block."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, many: bool) -> None:
        seen.append((statement, parameters[0] if many else parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def statements_of(
    engine: AsyncEngine, query: Query, index: int, now: datetime
) -> list[tuple[str, Any]]:
    """Run the hot query in a unit of work that is rolled back; what it sent, in order."""
    sessions = session_factory(engine)
    async with SqlUnitOfWork(sessions, ProgramReactions(load_rules())) as uow:
        with capturing(engine) as seen:
            await query(uow, index, now)
    return seen


async def explain(engine: AsyncEngine, name: str, statements: list[tuple[str, Any]]) -> list[Plan]:
    """EXPLAIN each statement with its parameters, replaying its SETs, in one rolled-back transaction."""
    plans = []
    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as conn:
        for statement, parameters in statements:
            head = statement.lstrip().split(None, 1)[0].upper()
            if head == "SET":
                await conn.exec_driver_sql(statement, parameters)
            if head not in _EXPLAINABLE:
                continue  # BEGIN (IMMEDIATE), SAVEPOINT: nothing to plan
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (FORMAT JSON) "
            rows = (await conn.exec_driver_sql(prefix + statement, parameters)).fetchall()
            if sqlite:
                lines = [str(row[-1]) for row in rows]
                scans = [
                    m.group(1) for m in map(_SQLITE_SCAN.match, lines) if m and m.group(1) in LARGE_TABLES
                ]
            else:
                document = rows[0][0]
                root = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
                lines, scans = [], []
                _walk(root, 0, lines, scans)
            plans.append(Plan(name, statement, lines, [f"{name}: full scan of {t}" for t in scans]))
        await conn.rollback()
    return plans


def _walk(node: dict[str, Any], depth: int, lines: list[str], scans: list[str]) -> None:
    kind, relation = node["Node Type"], node.get("Relation Name")
    index = node.get("Index Name")
    condition = node.get("Index Cond")
    lines.append(
        "  " * depth
        + f"{kind}"
        + (f" on {relation}" if relation else "")
        + (f" using {index}" if index else "")
        + (f" ({condition})" if condition else "")
        + (f" filter {node['Filter']}" if node.get("Filter") else "")
        + f"  rows={node.get('Plan Rows')} cost={node.get('Total Cost')}"
    )
    if kind == "Seq Scan" and relation in LARGE_TABLES:
        scans.append(relation)
    elif kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan") and not condition:
        table = relation or index
        if relation in LARGE_TABLES or any(str(index).startswith(f"ix_{t}") for t in LARGE_TABLES):
            scans.append(f"{table} (the whole index {index})")
    for child in node.get("Plans", []):
        _walk(child, depth + 1, lines, scans)


async def plans_of(engine: AsyncEngine, rules: ProgramRules, index: int, now: datetime) -> list[Plan]:
    out = []
    for name, query in hot_queries(rules).items():
        out += await explain(engine, name, await statements_of(engine, query, index, now))
    return out


async def timed(engine: AsyncEngine, query: Query, index: int, now: datetime, repeat: int) -> float:
    """Mean milliseconds of one call, in a unit of work rolled back each time."""
    sessions = session_factory(engine)
    reactions = ProgramReactions(load_rules())
    started = time.perf_counter()
    for _ in range(repeat):
        async with SqlUnitOfWork(sessions, reactions) as uow:
            await query(uow, index, now)
    return 1000 * (time.perf_counter() - started) / repeat


# --- the command: plans and timings at a given size and state of the statistics ------------------

STATS = ("missing", "stale", "analyzed")


async def freeze_statistics(engine: AsyncEngine) -> None:
    """No autovacuum on the large tables (PostgreSQL): the statistics stay what the caller makes them."""
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            for table in sorted(LARGE_TABLES):
                await conn.exec_driver_sql(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


async def analyze(engine: AsyncEngine) -> None:
    """ANALYZE the large tables only (a bare ANALYZE on PostgreSQL would visit every schema)."""
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            await conn.exec_driver_sql("ANALYZE " + ", ".join(sorted(LARGE_TABLES)))
        else:
            await conn.exec_driver_sql("ANALYZE")


async def prepared(engine: AsyncEngine, customers: int, pending: int, stats: str, schema: str | None) -> None:
    """Seeded as a production database grows: `missing`, never analyzed; `stale`, analyzed with the
    history in place but before the backlog (a campaign just enqueued); `analyzed`, after both."""
    from benchmarks.seed import seed, seed_backlog

    await freeze_statistics(engine)
    await seed(engine, customers, schema=schema)
    if stats == "stale":
        await analyze(engine)
    await seed_backlog(engine, customers, pending, schema=schema)
    if stats == "analyzed":
        await analyze(engine)


def main() -> None:
    from benchmarks.common import bench_database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("customers", type=int)
    parser.add_argument("--pending", type=int, default=0, help="outbox messages due now")
    parser.add_argument("--stats", choices=STATS, default="missing")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per query")
    parser.add_argument("--database-url", help="postgresql+asyncpg://... (default: a new SQLite file)")
    args = parser.parse_args()

    async def run() -> None:
        async with bench_database(args.database_url) as database:
            engine = database.engine()
            try:
                await prepared(engine, args.customers, args.pending, args.stats, database.search_path)
                rules, now, index = load_rules(), datetime.now(UTC), args.customers // 2
                print(
                    f"{database.kind}: {args.customers} customers, {args.pending} pending, stats {args.stats}"
                )
                for name, query in hot_queries(rules).items():
                    ms = await timed(engine, query, index, now, args.repeat)
                    print(f"\n== {name}: {ms:.2f} ms per call (mean of {args.repeat})")
                    for plan in await explain(engine, name, await statements_of(engine, query, index, now)):
                        print("  " + " ".join(plan.statement.split())[:160])
                        print("\n".join("    " + line for line in plan.lines))
                        for scan in plan.full_scans:
                            print(f"    !! {scan}")
            finally:
                await engine.dispose()

    asyncio.run(run())


if __name__ == "__main__":
    main()
