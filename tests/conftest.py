"""Shared fixtures: program rules, a fixed clock, and migrated databases (real SQLite and PostgreSQL).

PostgreSQL comes from TEST_POSTGRES_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test).
Without it the PostgreSQL variants are skipped, loudly; with REQUIRE_POSTGRES=1 (CI) a missing
server fails the run instead. Each pytest session works in a schema of its own, so parallel runs
on one server do not meet.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.rules_file import load_rules
from domain.clock import FixedClock
from domain.ports import UnitOfWork
from domain.reactions import ProgramReactions
from domain.rules import ProgramRules
from store import migrate
from store.engine import create_engine, session_factory
from store.tables import metadata
from store.uow import SqlUnitOfWork

PG_URL = os.environ.get("TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("REQUIRE_POSTGRES") == "1"
NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)  # 10:00 in Moscow


@dataclass(frozen=True)
class Database:
    kind: str
    url: str
    search_path: str | None = None

    def engine(self, **kwargs: object) -> AsyncEngine:
        return create_engine(self.url, search_path=self.search_path, **kwargs)  # type: ignore[arg-type]


def pytest_report_header(config: pytest.Config) -> str:
    if PG_URL:
        return f"PostgreSQL tests: ON ({PG_URL})"
    return "PostgreSQL tests: OFF -- set TEST_POSTGRES_URL to run them (they are SKIPPED, not passed)"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not PG_URL:
        terminalreporter.write_line(
            "WARNING: PostgreSQL tests were skipped: TEST_POSTGRES_URL is not set", red=True, bold=True
        )


@pytest.fixture(scope="session")
def rules() -> ProgramRules:
    return load_rules()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str | None]:
    """A fresh schema for this session, migrated to head; dropped at the end."""
    if not PG_URL:
        yield None
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"

    async def setup() -> None:
        admin = create_async_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        await admin.dispose()
        engine = create_engine(PG_URL, search_path=schema)
        await migrate.upgrade(engine)
        await engine.dispose()

    async def teardown() -> None:
        admin = create_async_engine(PG_URL)
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()

    try:
        asyncio.run(setup())
    except OSError as exc:
        if REQUIRE_PG:
            pytest.fail(f"REQUIRE_POSTGRES=1 but PostgreSQL at {PG_URL} is unreachable: {exc}")
        raise
    yield schema
    asyncio.run(teardown())


def _db_params() -> list[object]:
    marks = [pytest.mark.postgres]
    if not PG_URL:
        if REQUIRE_PG:
            raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")
        marks.append(pytest.mark.skip(reason="PostgreSQL: TEST_POSTGRES_URL is not set"))
    return ["sqlite", pytest.param("postgres", marks=marks)]


@pytest.fixture(params=_db_params())
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Database:
    if request.param == "sqlite":
        return Database("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'loyalty.db'}")
    schema = request.getfixturevalue("pg_schema")
    assert PG_URL is not None
    return Database("postgres", PG_URL, schema)


async def reset(engine: AsyncEngine) -> None:
    """Empty every table (PostgreSQL reuses the session's migrated schema)."""
    names = ", ".join(f'"{t.name}"' for t in reversed(metadata.sorted_tables))
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def engine(database: Database) -> AsyncIterator[AsyncEngine]:
    engine = database.engine()
    if database.kind == "sqlite":
        await migrate.upgrade(engine)
    else:
        await reset(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow_factory(engine: AsyncEngine, rules: ProgramRules) -> Callable[[], UnitOfWork]:
    sessions = session_factory(engine)
    reactions = ProgramReactions(rules)
    return lambda: SqlUnitOfWork(sessions, reactions)
