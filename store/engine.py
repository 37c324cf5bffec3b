"""Engines: SQLite in WAL mode with foreign keys and serialised writers; PostgreSQL through asyncpg."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from store.tables import processed_events
from store.write_queue import QueuedSession, give_write_queue, write_queue_of

_PROBE_TIME = datetime(2000, 1, 1, tzinfo=UTC)  # never committed, so never read


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# Shorter than the callers' own patience (Telegram and Twilio give up after about 15 s), so a
# database in trouble is answered 503 in time instead of hanging until the caller leaves.
STATEMENT_TIMEOUT_MS = 10_000
LOCK_TIMEOUT_MS = 5_000
CONNECT_TIMEOUT_S = 5.0
POOL_TIMEOUT_S = 5.0
SQLITE_BUSY_TIMEOUT_MS = 10_000


def create_engine(
    url: str,
    *,
    echo: bool = False,
    search_path: str | None = None,
    pool_size: int = 10,
    timeouts: bool = True,
) -> AsyncEngine:
    """`search_path` puts a PostgreSQL engine in one schema (tests give each run its own).

    `timeouts=False` lifts the statement and lock timeouts, for migrations that may take long.
    """
    if not is_sqlite(url):
        server_settings: dict[str, str] = {}
        if search_path:
            server_settings["search_path"] = search_path
        if timeouts:
            server_settings["statement_timeout"] = str(STATEMENT_TIMEOUT_MS)
            server_settings["lock_timeout"] = str(LOCK_TIMEOUT_MS)
        return create_async_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=10,
            pool_timeout=POOL_TIMEOUT_S,
            connect_args={"server_settings": server_settings, "timeout": CONNECT_TIMEOUT_S},
        )
    busy_ms = SQLITE_BUSY_TIMEOUT_MS if timeouts else 10 * 60_000
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": busy_ms / 1000})
    give_write_queue(engine.sync_engine, busy_ms / 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, emit BEGIN (see the "begin" hook below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front: two transactions that read and then
        # write cannot deadlock or fail with SQLITE_BUSY_SNAPSHOT; they queue instead.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[Any]:
    if write_queue_of(engine) is not None:  # SQLite: writers in turn (store/write_queue.py)
        return async_sessionmaker(engine, class_=QueuedSession, expire_on_commit=False, autoflush=False)
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def ping(engine: AsyncEngine) -> None:
    """Raise unless the database takes a write: a probe row inserted and rolled back at once.

    A `SELECT 1` answers from a read-only or full disk too, where every real request fails.
    """
    async with engine.connect() as conn, conn.begin() as transaction:
        await conn.execute(
            sa.insert(processed_events).values(
                event_id="healthz:probe", source="healthz", processed_at=_PROBE_TIME
            )
        )
        await transaction.rollback()
