"""Bulk-seed a migrated database with N customers and a proportional history (issue 19).

Per customer: a Telegram identity, 3 repairs (2 completed, 1 in repair), 8 status rows and the
8 processed events behind them, 5 ledger entries, 6 sent outbox messages; every tenth customer
brought 3 friends (`referred_by_id`), so the invite counts have something to count. 32 rows a
customer: 3.2 M rows at 100 000.

The rows go in through the project's own tables (store/tables*.py): `executemany` of the table's
INSERT on SQLite, `COPY` on PostgreSQL (asyncpg's copy_records_to_table), with every value passed
through the column type's own bind processing, so what lands is what the repositories would write.
Customer `i` has the benchmarks' phone and Telegram id (`phone_of(i)`, `TELEGRAM_BASE + i`), so
the benchmarks address seeded customers as they address registered ones.

    python -m benchmarks.seed N [--database-url URL]   # seeds a new database, reports, drops it
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.tables import (
    channel_identities,
    customers,
    ledger_entries,
    outbox,
    processed_events,
    repair_status_history,
    repairs,
)

TELEGRAM_BASE = 900_000  # the Telegram user id of customer i is TELEGRAM_BASE + i
CHUNK = 2_000  # customers generated and written per round: bounded memory at any N
REPAIRS_PER_CUSTOMER = 3
STATUS_ROWS_PER_CUSTOMER = 8
LEDGER_PER_CUSTOMER = 5
OUTBOX_PER_CUSTOMER = 6
ROWS_PER_CUSTOMER = 1 + 1 + REPAIRS_PER_CUSTOMER + 2 * STATUS_ROWS_PER_CUSTOMER + 5 + 6
ITEMS = [
    {"name": "Замена дисплея", "kind": "repair", "price_minor": 400_000},
    {"name": "Защитное стекло", "kind": "accessory", "price_minor": 50_000},
]
_HISTORY = ("received", "in_repair", "completed")


def phone_of(index: int) -> str:
    return f"+7916{index:07d}"


def _customer_id(index: int) -> int:
    return index + 1  # ids are given, so the rows that point at a customer need no lookup


def _referrer(index: int) -> int | None:
    """Customer 10k + 1..3 was invited by customer k (k >= 1): 10% invite three friends each."""
    k, rest = divmod(index, 10)
    return _customer_id(k) if k >= 1 and 1 <= rest <= 3 else None


def rows_of(first: int, count: int, now: datetime) -> dict[sa.Table, list[dict[str, Any]]]:
    """The rows of customers first .. first + count - 1, per table, in foreign-key order."""
    out: dict[sa.Table, list[dict[str, Any]]] = {
        t: [] for t in (customers, channel_identities, repairs, repair_status_history)
    }
    out |= {processed_events: [], ledger_entries: [], outbox: []}
    for index in range(first, first + count):
        cid = _customer_id(index)
        since = now - timedelta(days=400 - index % 365, minutes=index % 1440)
        out[customers].append(
            {
                "id": cid,
                "phone": phone_of(index),
                "name": f"Клиент {index}",
                "locale": "ru",
                "tier": "bronze",
                "points_balance": 200 + 2 * 135 + 300 + 500 + 50,
                "registered_at": since,
                "pd_consent_at": since,
                "pd_policy_version": "2026-11-01",
                "marketing_opt_in": index % 2 == 0,
                "marketing_consent_at": since if index % 2 == 0 else None,
                "referral_code": f"seed{index}",
                "referred_by_id": _referrer(index),
            }
        )
        out[channel_identities].append(
            {
                "id": cid,
                "customer_id": cid,
                "channel": "telegram",
                "external_id": str(TELEGRAM_BASE + index),
                "locale_hint": "ru",
                "created_at": since,
                "last_inbound_at": since,
            }
        )
        _repairs(out, index, since)
        _ledger(out, index, since)
        _outbox(out, index, since)
    return out


def _repairs(out: dict[sa.Table, list[dict[str, Any]]], index: int, since: datetime) -> None:
    cid = _customer_id(index)
    for k in range(REPAIRS_PER_CUSTOMER):
        rid = cid * REPAIRS_PER_CUSTOMER + k
        at = since + timedelta(days=30 * k + 1)
        done = k < REPAIRS_PER_CUSTOMER - 1
        out[repairs].append(
            {
                "id": rid,
                "order_id": f"S{index}-{k}",
                "phone": phone_of(index),
                "customer_id": cid,
                "customer_name": f"Клиент {index}",
                "device_category": ("phone", "laptop", "tablet")[k],
                "device_brand": "Apple",
                "device_model": "iPhone 13",
                "status": "completed" if done else "in_repair",
                "amount_minor": 450_000,
                "paid_money_minor": 450_000 if done else None,
                "items": ITEMS,
                "created_at": at,
                "updated_at": at + timedelta(hours=2),
                "status_at": at + timedelta(hours=2),
                "completed_at": at + timedelta(hours=2) if done else None,
            }
        )
        for step, status in enumerate(_HISTORY if done else _HISTORY[:2]):
            event_id = f"seed-{index}-{k}-{step}"
            occurred = at + timedelta(hours=step)
            out[repair_status_history].append(
                {"repair_id": rid, "status": status, "occurred_at": occurred, "event_id": event_id}
            )
            out[processed_events].append(
                {"event_id": event_id, "source": "repairs", "processed_at": occurred}
            )


def _ledger(out: dict[sa.Table, list[dict[str, Any]]], index: int, since: datetime) -> None:
    cid = _customer_id(index)
    for kind, points, days in (
        ("welcome", 200, 0),
        ("earn", 135, 1),
        ("earn", 135, 31),
        ("birthday", 300, 100),
        ("adjustment", 50, 200),
    ):
        at = since + timedelta(days=days)
        out[ledger_entries].append(
            {
                "customer_id": cid,
                "kind": kind,
                "points": points,
                "source_key": f"seed:{index}:{kind}:{days}",
                "created_at": at,
                "expires_at": at + timedelta(days=365) if kind != "adjustment" else None,
                "remaining": points if kind != "adjustment" else None,
                "reason": "seeded" if kind == "adjustment" else None,
                "order_id": f"S{index}-{days // 30}" if kind == "earn" else None,
            }
        )


def _outbox(out: dict[sa.Table, list[dict[str, Any]]], index: int, since: datetime) -> None:
    cid = _customer_id(index)
    templates = ("welcome", "repair_received", "repair_ready", "points_earned", "repair_received", "offer")
    for k, template in enumerate(templates):
        at = since + timedelta(days=15 * k)
        out[outbox].append(
            {
                "customer_id": cid,
                "template": template,
                "context": {"points": 135},
                "dedupe_key": f"seed:{index}:{k}",
                "channel": "telegram",
                "marketing": template == "offer",
                "status": "sent",
                "attempts": 1,
                "next_attempt_at": at,
                "created_at": at,
                "sent_at": at + timedelta(seconds=1),
            }
        )


# --- writing -------------------------------------------------------------------------------------


def _bound(table: sa.Table, dialect: sa.Dialect) -> tuple[list[str], list[Callable[[Any], Any] | None]]:
    """The table's columns and each one's bind processing (what an INSERT through SQLAlchemy does)."""
    names = [c.name for c in table.columns]
    return names, [c.type._cached_bind_processor(dialect) for c in table.columns]


async def _copy(
    conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]], schema: str | None
) -> None:
    names, processors = _bound(table, conn.dialect)
    used = [i for i, name in enumerate(names) if name in rows[0]]
    records = [
        tuple(
            processors[i](row.get(names[i])) if processors[i] else row.get(names[i])  # type: ignore[misc]
            for i in used
        )
        for row in rows
    ]
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(
        table.name, records=records, columns=[names[i] for i in used], schema_name=schema
    )


async def _write(
    conn: AsyncConnection, batch: dict[sa.Table, list[dict[str, Any]]], schema: str | None
) -> None:
    for table, rows in batch.items():
        if not rows:
            continue
        if conn.dialect.name == "postgresql":
            await _copy(conn, table, rows, schema)
        else:
            await conn.execute(sa.insert(table), rows)


async def _advance_sequences(conn: AsyncConnection) -> None:
    """COPY with given ids leaves the id sequences behind; the product's next INSERT must not collide."""
    for table in (customers, channel_identities, repairs):
        await conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table.name}), false)"
            )
        )


async def seed(
    engine: AsyncEngine, count: int, *, schema: str | None = None, progress: bool = False
) -> float:
    """Write `count` customers and their history into an empty migrated database; seconds taken."""
    started = time.perf_counter()
    now = datetime.now(UTC)
    for first in range(0, count, CHUNK):
        async with engine.begin() as conn:  # a transaction per chunk keeps SQLite's WAL small
            await _write(conn, rows_of(first, min(CHUNK, count - first), now), schema)
        if progress and first and first % (25 * CHUNK) == 0:
            print(f"  seeded {first} customers ({time.perf_counter() - started:.0f} s)", flush=True)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            await _advance_sequences(conn)
    return time.perf_counter() - started


BACKLOG_KEY = "backlog:"  # the dedupe keys of seed_backlog's messages start so


async def seed_backlog(
    engine: AsyncEngine, customers_count: int, pending: int, *, schema: str | None = None, first: int = 0
) -> None:
    """`pending` messages due now, as a campaign enqueues them (marketing), one customer each in
    turn, plus one transactional message due now per 100 of them; written like `seed`. `first`:
    how many an earlier call wrote (their keys are taken)."""
    now = datetime.now(UTC)
    made = first
    while made < first + pending:
        rows: list[dict[str, Any]] = []
        for n in range(made, min(first + pending, made + CHUNK * OUTBOX_PER_CUSTOMER)):
            rows.append(
                {
                    "customer_id": _customer_id(n % customers_count),
                    "template": "repair_ready" if n % 100 == 0 else "offer",
                    "context": {},
                    "dedupe_key": f"{BACKLOG_KEY}{n}",
                    "channel": None,
                    "marketing": n % 100 != 0,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now - timedelta(seconds=1),
                    "created_at": now - timedelta(seconds=1),
                }
            )
        async with engine.begin() as conn:
            await _write(conn, {outbox: rows}, schema)
        made += len(rows)


def main() -> None:
    from benchmarks.common import bench_database

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("customers", type=int)
    parser.add_argument("--database-url", help="postgresql+asyncpg://... (default: a new SQLite file)")
    args = parser.parse_args()

    async def run() -> None:
        async with bench_database(args.database_url) as database:
            engine = database.engine()
            try:
                seconds = await seed(engine, args.customers, schema=database.search_path, progress=True)
            finally:
                await engine.dispose()
            rows = args.customers * ROWS_PER_CUSTOMER
            print(f"seeded {args.customers} customers, {rows} rows in {seconds:.1f} s (then dropped)")

    asyncio.run(run())


if __name__ == "__main__":
    main()
