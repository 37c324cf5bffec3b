"""Fixtures of the crash test: the slow Bot API, a database of the test's own, the server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import PG_URL, _db_params
from tests.e2e.crash.harness import ADMIN_TOKEN, REPAIR_SECRET, TG_SECRET, Serve, SlowBotApi
from tests.e2e.test_serve import _clean_env
from tests.telegram_support import TOKEN


@pytest.fixture
async def bot_api() -> AsyncIterator[SlowBotApi]:
    fake = SlowBotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    yield fake
    await runner.cleanup()


# --- the database: a temp SQLite file, or a PostgreSQL database of its own -------------------------


@pytest.fixture(params=_db_params())
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'loyalty.db'}"
        return
    assert PG_URL is not None
    name = f"crash_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture
def serve(tmp_path: Path, database_url: str, bot_api: SlowBotApi) -> Iterator[Serve]:
    env = _clean_env(
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=bot_api.url,
        TELEGRAM_WEBHOOK_URL="https://shop.example.com/telegram/webhook",
        TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
        REPAIR_WEBHOOK_SECRET=REPAIR_SECRET,
        ADMIN_API_TOKEN=ADMIN_TOKEN,
    )
    server = Serve(tmp_path, env, tmp_path / "serve.log")
    yield server
    if server.proc is not None and server.proc.returncode is None:
        server.proc.kill()  # never left running, whatever happened in the test
