"""Per-customer reads against a seeded database: do they stay flat as the data grows? (issue 19)

Each path is what an edge runs for one customer, through the product's own unit of work and
repositories: the desk's lookup by phone, card and ledger page (webhooks/api/customers.py), the
chat's lookup by Telegram id and the read models of /balance, /repairs and /invite
(domain/services/views.py). The floor is the same unit of work running `SELECT 1`: a session, a
transaction and one round trip on the same engine, the least any path can cost. The customers
asked for are spread over the whole table, one after another, so no path is served from a
handful of hot pages.

    python -m benchmarks.hot_paths --customers N [--database-url URL]   # seeds N, then measures
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

from app.rules_file import load_rules
from benchmarks.common import BenchDatabase, Comparison, Result, bench_database, run_load
from benchmarks.seed import TELEGRAM_BASE, phone_of, seed
from domain.customers import Channel
from domain.reactions import ProgramReactions
from domain.rules import ProgramRules
from domain.services.customers import live_customer
from domain.services.views import get_balance_view, get_invite_view, get_repairs_view
from store.engine import session_factory
from store.uow import SqlUnitOfWork

Path = Callable[[SqlUnitOfWork, int], Awaitable[Any]]
LEDGER_PAGE = 50


async def _floor(uow: SqlUnitOfWork, _index: int) -> None:
    await uow.session.execute(sa.text("SELECT 1"))


async def _by_phone(uow: SqlUnitOfWork, index: int) -> None:
    customer = await uow.customers.by_phone(phone_of(index))
    assert customer is not None and customer.id is not None
    await uow.identities.of_customer(customer.id)


async def _by_telegram_id(uow: SqlUnitOfWork, index: int) -> None:
    identity = await uow.identities.get(Channel.TELEGRAM, str(TELEGRAM_BASE + index))
    assert identity is not None
    await uow.customers.get(identity.customer_id)


async def _card(uow: SqlUnitOfWork, index: int) -> None:
    await live_customer(uow, index + 1)
    await uow.identities.of_customer(index + 1)


async def _ledger_page(uow: SqlUnitOfWork, index: int) -> None:
    await live_customer(uow, index + 1)
    await uow.ledger.history(index + 1, limit=LEDGER_PAGE + 1)


async def _balance(uow: SqlUnitOfWork, index: int) -> None:
    await get_balance_view(uow, await live_customer(uow, index + 1))


async def _repairs(uow: SqlUnitOfWork, index: int) -> None:
    await get_repairs_view(uow, await live_customer(uow, index + 1))


def paths(rules: ProgramRules) -> dict[str, Path]:
    async def invite(uow: SqlUnitOfWork, index: int) -> None:
        await get_invite_view(uow, rules, await live_customer(uow, index + 1), "https://t.me/bench?start=x")

    return {
        "desk: customer by phone": _by_phone,
        "desk: card": _card,
        "desk: ledger page": _ledger_page,
        "chat: customer by Telegram id": _by_telegram_id,
        "/balance read model": _balance,
        "/repairs read model": _repairs,
        "/invite read model": invite,
    }


async def bench(
    database: BenchDatabase, seeded: int, *, operations: int = 1000, workers: int = 1, max_seconds: float = 20
) -> list[Comparison]:
    """Each path against the floor, over `operations` customers spread across the `seeded` ones.

    One worker by default: the latency of one path on an idle database, not the queue of SQLite's
    write lock (every transaction takes it: store/engine.py), which would hide what a path costs."""
    rules = load_rules()
    engine = database.engine()
    sessions = session_factory(engine)
    reactions = ProgramReactions(rules)
    step = max(1, seeded // operations)
    indexes = [(k * step) % seeded for k in range(operations)]

    async def measure(name: str, path: Path) -> Result:
        async def one(index: int) -> bool:
            async with SqlUnitOfWork(sessions, reactions) as uow:
                await path(uow, index)
            return True

        await run_load(name, indexes[:50], one, workers=workers, max_seconds=max_seconds)  # warm-up
        result = await run_load(name, indexes, one, workers=workers, max_seconds=max_seconds)
        # one process does the work and makes the load: "rest" is the machine less this process
        if result.rest_cpu_s is not None and result.load_cpu_s is not None:
            result.rest_cpu_s, result.load_cpu_s = result.rest_cpu_s + result.load_cpu_s, None
        return result

    try:
        comparisons = []
        for name, path in paths(rules).items():
            floor = await measure("SELECT 1 in a unit of work", _floor)  # next to each: same conditions
            comparisons.append(Comparison(name, database.kind, await measure(name, path), floor))
        return comparisons
    finally:
        await engine.dispose()


def main() -> None:
    from rich.console import Console

    from benchmarks.report import print_comparisons

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000, help="customers seeded first")
    parser.add_argument("--operations", type=int, default=1000, help="measured operations per path")
    parser.add_argument("--database-url", help="postgresql+asyncpg://... (default: a new SQLite file)")
    args = parser.parse_args()

    async def run() -> list[Comparison]:
        async with bench_database(args.database_url) as database:
            engine = database.engine()
            try:
                await seed(engine, args.customers, schema=database.search_path)
            finally:
                await engine.dispose()
            return await bench(database, args.customers, operations=args.operations)

    print_comparisons(asyncio.run(run()), Console())


if __name__ == "__main__":
    main()
