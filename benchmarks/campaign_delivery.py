"""A campaign to 100 000 customers: enqueue time, delivery rate against Telegram's limits, kill -9.

    python -m benchmarks.campaign_delivery [--customers 100000] [--window 40] [--database-url ...]

1. Seeds N consenting members with a Telegram chat each (bulk inserts through the product's tables).
2. Creates a campaign to all of them (the product's use case) and times the `campaigns` job that
   resolves the segment, takes the snapshot and queues one outbox row per recipient. Separately,
   times rendering the campaign's template for N customers (the product renders at delivery).
3. Runs the product's delivery loop (`benchmarks.campaign_worker`: `run_forever` over the real
   composition root and aiogram sender, a 35 s lease) against `benchmarks.limited_bot_api`, which
   refuses with 429 whatever goes past 30 messages in any second or 1 per chat per second, and
   can add a round trip per send (`--latency-ms`). After `--window` seconds the worker is killed
   with SIGKILL and started again, until the dead worker's leases have run out. Reported: the
   accepted rate as a fraction of the limit before and after the kill, 429s, the messages in
   flight at the kill (accepted, not yet marked: each goes again when its turn comes, after the
   older due rows, so usually after the window), and duplicates seen (a chat that got it twice).
4. The peer: the same campaign through a naive loop, one send then a fixed sleep of 1/30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from rich.console import Console

from app.bootstrap import bootstrap
from app.settings import Settings
from benchmarks.common import BenchDatabase, Child, bench_database, child_process
from domain.services.campaigns import CampaignDraft, create_campaign
from messages import LOCALES
from messages.campaigns import SandboxedCampaignTexts
from scheduler.recurrence import CronSchedules
from store.tables import channel_identities
from store.tables import customers as customers_table

TOKEN = "4242:campaign-benchmark-token"
LIMIT = 30
MESSAGE = {"ru": "{{ name }}, у вас {{ pts(points) }}. Зимняя скидка 10% до пятницы!"}
CHAT_BASE = 500_000_000
SEED_BATCH = 10_000


async def seed(database: BenchDatabase, customers: int) -> float:
    started = time.perf_counter()
    now = datetime.now(UTC) - timedelta(days=30)
    engine = database.engine()
    try:
        async with engine.begin() as conn:
            for low in range(0, customers, SEED_BATCH):
                rows = range(low, min(customers, low + SEED_BATCH))
                await conn.execute(
                    sa.insert(customers_table),
                    [
                        {
                            "phone": f"+7900{n:07d}",
                            "name": f"Клиент {n}",
                            "locale": "ru",
                            "tier": "bronze",
                            "points_balance": 0,
                            "registered_at": now,
                            "pd_consent_at": now,
                            "pd_policy_version": "bench",
                            "marketing_opt_in": True,
                            "marketing_consent_at": now,
                        }
                        for n in rows
                    ],
                )
            ids = (await conn.scalars(sa.select(customers_table.c.id).order_by(customers_table.c.id))).all()
            for low in range(0, len(ids), SEED_BATCH):
                await conn.execute(
                    sa.insert(channel_identities),
                    [
                        {
                            "customer_id": cid,
                            "channel": "telegram",
                            "external_id": str(CHAT_BASE + cid),
                            "created_at": now,
                            "last_inbound_at": now,
                        }
                        for cid in ids[low : low + SEED_BATCH]
                    ],
                )
    finally:
        await engine.dispose()
    return time.perf_counter() - started


def _container(database: BenchDatabase) -> Any:
    settings = Settings(_env_file=None, database_url=database.url)
    return bootstrap(settings, engine=database.engine(), channel_builders={})


async def enqueue(database: BenchDatabase) -> dict[str, Any]:
    container = _container(database)
    try:
        async with container.uow() as uow:
            await create_campaign(
                uow,
                CampaignDraft(name="Зимняя скидка", filter={}, messages=MESSAGE),
                rules=container.rules,
                texts=container.campaign_texts,
                schedules=CronSchedules(container.settings.timezone, container.clock),
                locales=LOCALES,
                now=container.clock.now(),
            )
            await uow.commit()
        started = time.perf_counter()
        result = await container.jobs.run("campaigns", container.jobs.today())
        seconds = time.perf_counter() - started
        async with container.engine.connect() as conn:
            queued = await conn.scalar(sa.text("SELECT count(*) FROM outbox WHERE status = 'pending'"))
    finally:
        await container.aclose()
    return {"seconds": seconds, "queued": int(queued or 0), "counts": result.counts}


def render_seconds(customers: int) -> float:
    texts = SandboxedCampaignTexts()
    started = time.perf_counter()
    for n in range(customers):
        variables = {
            "name": f"Клиент {n}",
            "points": n % 5000,
            "tier": "Бронза",
            "next_tier": "Серебро",
            "points_to_next_tier": 15000,
            "bonus_points": 0,
        }
        texts.render(MESSAGE["ru"], variables, locale="ru", channel="telegram")
    return time.perf_counter() - started


async def api_stats(api: Child) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=api.url) as client:
        stats: dict[str, Any] = (await client.get("/stats")).json()
        return stats


def rate_of(times: list[float]) -> float:
    """Accepted messages per second over the steady part: from the first to the last one."""
    if len(times) < 2:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])


# The workers' lease: the product's 5 minutes would outlast the benchmark, so the dead worker's rows
# (and the messages it had in flight) would never come back within it. 35 s is the shortest that
# leaves a batch time to send (rows are given back with 30 s of lease left).
LEASE_SECONDS = 35.0


def worker(database: BenchDatabase, api: Child, max_seconds: float) -> AbstractAsyncContextManager[Child]:
    """A delivery worker process (benchmarks/campaign_worker.py) sending to the limited fake Bot API."""
    args = ["--api-url", api.url, "--token", TOKEN, "--lease-seconds", str(LEASE_SECONDS)]
    args += database.child_args()
    return child_process("benchmarks.campaign_worker", *args, max_seconds=max_seconds)


async def at_kill(database: BenchDatabase, accepted_chats: list[int]) -> dict[str, int]:
    """`in_flight`: accepted by the platform and still pending in the outbox (sent, not marked: sent
    again once its lease ends); `leased`: claimed by the dead worker, not sent, waiting for the lease."""
    customers = [chat - CHAT_BASE for chat in accepted_chats]
    engine = database.engine()
    try:
        async with engine.connect() as conn:
            pending = set(
                (await conn.scalars(sa.text("SELECT customer_id FROM outbox WHERE status = 'pending'"))).all()
            )
            leased = await conn.scalar(
                sa.text(
                    "SELECT count(*) FROM outbox"
                    " WHERE status = 'pending' AND attempts = 0 AND next_attempt_at > :t"
                ),
                {"t": _stored_now(database)},
            )
    finally:
        await engine.dispose()
    in_flight = sum(1 for c in customers if c in pending)
    return {"in_flight": in_flight, "leased": int(leased or 0) - in_flight}


def _stored_now(database: BenchDatabase) -> datetime:
    now = datetime.now(UTC)
    return now.replace(tzinfo=None) if database.kind == "sqlite" else now


async def product_delivery(database: BenchDatabase, api: Child, window: float) -> dict[str, Any]:
    # each worker stops by itself well after its part; the second is asked to stop when it is done
    max_seconds = 2 * window + LEASE_SECONDS + 60
    async with worker(database, api, max_seconds) as first:
        await asyncio.sleep(window)
        before_kill = await api_stats(api)
        first.process.kill()  # SIGKILL: no shutdown, no lease given back
        await first.process.wait()
    killed = await at_kill(database, before_kill["chat_ids"])
    async with worker(database, api, max_seconds):
        # long enough for the dead worker's leases to run out: what it had in flight goes again then
        await asyncio.sleep(max(window, LEASE_SECONDS + 10))
    after = await api_stats(api)
    times = after["times"]
    split = len(before_kill["times"])
    return {
        "rate_before_kill": rate_of(times[:split]),
        "rate_after_restart": rate_of(times[split:]),
        "accepted": after["accepted"],
        "refused_429": after["refused_429"],
        "duplicates": after["duplicates"],
        "in_flight_at_kill": killed["in_flight"],
        "leased_at_kill": killed["leased"],
    }


async def naive_delivery(api: Child, window: float, start: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=api.url) as client:
        await client.post("/reset")
    texts = SandboxedCampaignTexts()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.url)))
    refused = 0
    deadline = time.monotonic() + window
    chat = start
    try:
        while time.monotonic() < deadline:
            variables = {
                "name": "Клиент",
                "points": 100,
                "tier": "",
                "next_tier": "",
                "points_to_next_tier": 0,
            }
            text = texts.render(
                MESSAGE["ru"], variables | {"bonus_points": 0}, locale="ru", channel="telegram"
            )
            try:
                await bot.send_message(CHAT_BASE + chat, text)
            except TelegramRetryAfter:
                refused += 1
            chat += 1
            await asyncio.sleep(1 / LIMIT)
    finally:
        await bot.session.close()
    stats = await api_stats(api)
    return {"rate": rate_of(stats["times"]), "refused_429": refused, "accepted": stats["accepted"]}


async def bench(
    customers: int, window: float, database_url: str | None, console: Console, latency_ms: float = 0.0
) -> dict[str, Any]:
    async with bench_database(database_url) as database:
        console.print(f"[dim]seeding {customers} members ...[/dim]")
        seeded = await seed(database, customers)
        console.print("[dim]creating the campaign and running the campaigns job ...[/dim]")
        queued = await enqueue(database)
        rendered = render_seconds(customers)
        async with child_process(
            "benchmarks.limited_bot_api",
            "--token",
            TOKEN,
            "--per-second",
            str(LIMIT),
            "--latency-ms",
            str(latency_ms),
            max_seconds=4 * window + 120,
        ) as api:
            console.print(f"[dim]product delivery: {window:.0f} s, kill -9, {window:.0f} s ...[/dim]")
            product = await product_delivery(database, api, window)
            console.print(f"[dim]naive loop: {window:.0f} s ...[/dim]")
            naive = await naive_delivery(api, window, start=customers + 1)
    return {
        "database": database.kind,
        "customers": customers,
        "latency_ms": latency_ms,
        "seed_seconds": round(seeded, 2),
        "enqueue_seconds": round(queued["seconds"], 2),
        "queued": queued["queued"],
        "job_counts": queued["counts"],
        "render_seconds_for_all": round(rendered, 2),
        "product": product,
        "naive": naive,
    }


def report(result: dict[str, Any], console: Console) -> None:
    product, naive = result["product"], result["naive"]
    console.print(
        f"\n[bold]Campaign to {result['customers']:,} members on {result['database']}, "
        f"{result['latency_ms']:.0f} ms per send round trip[/bold]\n"
        f"  resolve + snapshot + enqueue: {result['enqueue_seconds']} s ({result['queued']:,} queued; "
        f"job counts {result['job_counts']})\n"
        f"  rendering the template for all of them: {result['render_seconds_for_all']} s (done at delivery)\n"
        f"  product delivery: {product['rate_before_kill'] / LIMIT:.3f} of the limit before kill -9, "
        f"{product['rate_after_restart'] / LIMIT:.3f} after the restart; {product['accepted']} accepted, "
        f"{product['refused_429']} answered 429; {product['in_flight_at_kill']} in flight at the kill "
        f"(sent, not marked: it goes again in its turn, the duplicate a crash may cost), "
        f"{product['leased_at_kill']} more leased by the dead worker; sent twice so far: "
        f"{product['duplicates']}\n"
        f"  naive loop (send, sleep 1/30 s): {naive['rate'] / LIMIT:.3f} of the limit; "
        f"{naive['accepted']} accepted, {naive['refused_429']} answered 429"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.campaign_delivery", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument(
        "--window", type=float, default=40.0, help="seconds of delivery before and after the kill"
    )
    parser.add_argument("--database-url", help="postgresql+asyncpg://... (default: a new SQLite file)")
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="the fake Bot API's round trip per send"
    )
    args = parser.parse_args()
    console = Console()
    with contextlib.suppress(KeyboardInterrupt):
        result = asyncio.run(bench(args.customers, args.window, args.database_url, console, args.latency_ms))
        report(result, console)


if __name__ == "__main__":
    main()
