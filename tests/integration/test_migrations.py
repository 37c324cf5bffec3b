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


async def test_0019_starts_the_consent_history_from_what_the_customer_rows_say(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}", timeouts=False)
    member = (
        "INSERT INTO customers (locale, tier, registered_at, pd_consent_at, pd_policy_version,"
        " marketing_opt_in, marketing_consent_at, deleted_at)"
        " VALUES ('ru', 'bronze', :at, :at, '2026-11-01', :opt_in, :marketing_at, :deleted)"
    )
    at = "2026-11-22 07:00:00"
    try:
        await migrate.upgrade(engine, "0018")
        async with engine.begin() as conn:
            for opt_in, marketing_at, deleted in ((1, at, None), (0, None, None), (0, at, at)):
                await conn.execute(
                    sa.text(member),
                    {"at": at, "opt_in": opt_in, "marketing_at": marketing_at, "deleted": deleted},
                )
        await migrate.upgrade(engine)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT customer_id, kind, granted, document_version FROM consent_log ORDER BY id"
                    )
                )
            ).all()
        # members in force get their entries; the erased one (3) has nothing to restore
        assert sorted(rows) == [
            (1, "marketing", 1, None),
            (1, "personal_data", 1, "2026-11-01"),
            (2, "personal_data", 1, "2026-11-01"),
        ]
    finally:
        await engine.dispose()
