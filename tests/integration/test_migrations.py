"""The migrations build exactly the schema store/tables.py describes."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from store import migrate
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
