"""The migrations build exactly the schema store/tables.py describes."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from store import migrate
from store.engine import create_engine
from store.tables import metadata


async def test_migrations_match_the_tables(engine):
    def diff(connection: Any) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []
    assert await migrate.current_revision(engine) == migrate.head_revision()


async def test_migrating_twice_changes_nothing(engine):
    await migrate.upgrade(engine)
    assert await migrate.current_revision(engine) == migrate.head_revision()


async def test_a_run_taking_its_snapshot_when_0011_is_applied_keeps_its_audience(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}", timeouts=False)
    at = "2026-11-22 07:00:00"
    customer = "INSERT INTO customers (locale, tier, registered_at) VALUES ('ru', 'bronze', :at)"
    campaign = (
        "INSERT INTO campaigns (name, filter, messages, status, created_at)"
        " VALUES ('c', '{}', :messages, 'sending', :at)"
    )
    run = (
        "INSERT INTO campaign_runs (campaign_id, scheduled_for, started_at, status, snapshot_done)"
        " VALUES (1, :scheduled, :at, 'sending', :done)"
    )
    try:
        await migrate.upgrade(engine, "0010")
        async with engine.begin() as conn:
            for _ in range(3):
                await conn.execute(sa.text(customer), {"at": at})
            await conn.execute(sa.text(campaign), {"messages": json.dumps({"ru": "x"}), "at": at})
            for done in (0, 1):
                await conn.execute(
                    sa.text(run), {"scheduled": f"2026-11-22 07:0{done}:00", "at": at, "done": done}
                )
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            bounds = (
                await conn.execute(sa.text("SELECT snapshot_done, last_customer_id FROM campaign_runs"))
            ).all()
        assert sorted(bounds) == [(0, 3), (1, 0)]  # the open run's snapshot goes on to the last customer
    finally:
        await engine.dispose()
