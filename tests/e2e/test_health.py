"""/healthz says what the service needs: a database that takes a write, answered within seconds."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import sqlalchemy as sa

from app.background import web_app
from app.bootstrap import bootstrap
from store import migrate
from store.engine import create_engine
from tests.conftest import Database
from tests.e2e.conftest import make_settings, running
from webhooks.routes import health


async def test_a_healthy_database_answers_ok_to_get_and_head(make_container):
    container = await make_container()
    async with running(container) as client:
        got = await client.get("/healthz")
        assert got.status_code == 200 and got.json() == {"status": "ok", "database": "ok"}
        head = await client.head("/healthz")
        assert head.status_code == 200 and head.content == b""
    async with container.engine.connect() as conn:  # the probe row was never committed
        assert await conn.scalar(sa.text("SELECT count(*) FROM processed_events")) == 0


async def test_a_database_that_cannot_be_written_is_reported_as_503(tmp_path, database, clock, rules):
    if database.kind != "sqlite":
        pytest.skip("a read-only SQLite file stands for a full or read-only disk")
    writable = create_engine(database.url)
    await migrate.upgrade(writable)
    await writable.dispose()
    read_only = f"sqlite+aiosqlite:///file:{database.url.split(':///', 1)[1]}?mode=ro&uri=true"
    settings = make_settings(Database("sqlite", read_only))
    container = bootstrap(settings, clock=clock, rules=rules, channel_builders={})
    app = web_app(container, background=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/healthz")
        head = await client.head("/healthz")
    await container.aclose()
    assert response.status_code == 503, response.text
    assert response.json() == {"status": "degraded", "database": "unwritable"}
    assert response.headers["retry-after"] == "5"
    assert head.status_code == 503


async def test_a_database_locked_past_the_probe_timeout_is_reported_in_time(make_container, monkeypatch):
    container = await make_container()
    if container.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's busy wait cannot be interrupted from the event loop")
    monkeypatch.setattr(health, "PROBE_TIMEOUT", 0.5)
    async with container.engine.connect() as locker, running(container) as client:
        await locker.begin()
        await locker.execute(sa.text("LOCK TABLE processed_events IN ACCESS EXCLUSIVE MODE"))
        started = asyncio.get_running_loop().time()
        response = await client.get("/healthz")
        assert asyncio.get_running_loop().time() - started < 5
        assert response.status_code == 503 and response.json()["database"] == "timeout"
        await locker.rollback()
        assert (await client.get("/healthz")).status_code == 200  # recovered by itself
