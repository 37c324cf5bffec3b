"""Run the benchmarks, each against the floor of its own stack in the same run, and print a table.

    python -m benchmarks [--only webhooks|chat|paths] [--database-url URL] [--json out.json]
    python -m benchmarks --seeded 100000 [--database-url ...]   # every benchmark on a seeded database

Defaults are small (about a minute on two cores). Everything listens on 127.0.0.1 only, every loop
is bounded by a count and a time cap, and the child processes stop by themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from pathlib import Path
from typing import Any

from rich.console import Console

from benchmarks import chat_updates, hot_paths, outbox_backlog, webhook_ingestion
from benchmarks.common import BenchDatabase, Comparison, bench_database
from benchmarks.report import print_comparisons, write_json
from benchmarks.seed import ROWS_PER_CUSTOMER, seed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", choices=["webhooks", "chat", "paths", "outbox"], help="run one benchmark (default: all)"
    )
    parser.add_argument("--database-url", help="postgresql+asyncpg://... (default: a new SQLite file)")
    parser.add_argument("--requests", type=int, default=3000, help="measured operations per side")
    parser.add_argument("--webhook-workers", type=int, default=8, help="concurrent HTTP connections")
    parser.add_argument("--chat-workers", type=int, default=8, help="updates fed concurrently")
    parser.add_argument("--customers", type=int, default=100, help="registered customers")
    parser.add_argument("--max-seconds", type=float, default=40.0, help="time cap of each measured side")
    parser.add_argument("--uvloop", action="store_true", help="webhook servers on uvloop (default: as serve)")
    parser.add_argument(
        "--seeded",
        type=int,
        metavar="N",
        help="seed N customers with a proportional history first (benchmarks/seed.py); every benchmark "
        "then runs on that database, for --customers of them spread over all N",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--verbose", action="store_true", help="print each side's notes too")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace, console: Console) -> list[Comparison]:
    if args.seeded is None:
        return await run_on(None, args, console)
    async with bench_database(args.database_url) as database:
        engine = database.engine()
        try:
            console.print(f"[dim]seeding {args.seeded} customers ...[/dim]")
            seconds = await seed(engine, args.seeded, schema=database.search_path, progress=True)
            console.print(f"[dim]seeded {args.seeded * ROWS_PER_CUSTOMER} rows in {seconds:.0f} s[/dim]")
        finally:
            await engine.dispose()
        return await run_on(database, args, console)


async def run_on(
    seeded: BenchDatabase | None, args: argparse.Namespace, console: Console
) -> list[Comparison]:
    """Each benchmark on a database of its own, or all of them on the one seeded database."""
    comparisons = []
    spread = max(1, args.seeded // args.customers) if seeded is not None else 1
    if seeded is not None and args.only in (None, "paths"):
        # first, before the ingestion run adds its rows: the paths see exactly the seeded data
        console.print("[dim]per-customer paths: SELECT 1, then each read ...[/dim]")
        comparisons += await hot_paths.bench(seeded, args.seeded)
    if seeded is not None and args.only in (None, "outbox"):
        console.print("[dim]outbox lease: SELECT 1, then claim with 100 and 100 000 pending ...[/dim]")
        comparisons += await outbox_backlog.bench(seeded, args.seeded)
    if args.only in (None, "webhooks"):
        console.print("[dim]webhook ingestion: bare FastAPI, then POST /webhooks/repairs ...[/dim]")
        comparisons.append(
            await webhook_ingestion.bench(
                requests=args.requests,
                workers=args.webhook_workers,
                customers=args.customers,
                max_seconds=args.max_seconds,
                database_url=args.database_url,
                uvloop=args.uvloop,
                seeded=seeded,
                spread=spread,
            )
        )
    if args.only in (None, "chat"):
        console.print("[dim]chat updates: aiogram echo bot, then /balance through the product ...[/dim]")
        comparisons.append(
            await chat_updates.bench(
                updates_count=args.requests,
                workers=args.chat_workers,
                customers=args.customers,
                max_seconds=args.max_seconds,
                database_url=args.database_url,
                seeded=seeded,
                spread=spread,
            )
        )
    return comparisons


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    console = Console()
    busy = os.getloadavg()[0]
    if busy > (os.cpu_count() or 1) / 2:
        console.print(
            f"[yellow]load average {busy:.1f} on {os.cpu_count()} CPUs before the start: other work on "
            "this machine will skew the numbers[/yellow]"
        )
    comparisons = asyncio.run(run(args, console))
    console.print(f"[dim]load average (1, 5, 15 min) at the end: {os.getloadavg()}[/dim]")
    print_comparisons(comparisons, console)
    if args.verbose:
        for comparison in comparisons:
            for result in (comparison.floor, comparison.product):
                if result.notes:
                    console.print(f"{comparison.benchmark} / {result.name}:", result.notes)
    if args.json:
        settings: dict[str, Any] = {
            key: (str(value) if isinstance(value, Path) else value)
            for key, value in vars(args).items()
            if key not in ("json", "verbose")
        }
        if settings.get("database_url"):
            settings["database_url"] = _without_password(settings["database_url"])
        write_json(args.json, comparisons, settings)
        console.print(f"written: {args.json}")


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    main()
