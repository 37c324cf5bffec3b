"""The running app over HTTP: a container built by the real bootstrap on the test database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from app.background import web_app
from app.bootstrap import Container, bootstrap
from app.settings import Settings
from domain.clock import FixedClock
from domain.rules import ProgramRules
from store import migrate
from tests.conftest import Database, reset

AppFactory = Callable[..., Any]


def make_settings(database: Database, **overrides: Any) -> Settings:
    """Settings as an operator would write them, never read from a developer's .env."""
    return Settings(_env_file=None, database_url=database.url, **overrides)  # type: ignore[call-arg]


@pytest.fixture
async def make_container(database: Database, clock: FixedClock, rules: ProgramRules):
    """`await make_container(admin_api_token="...", channel_builders={...})` -> migrated, empty Container."""
    made: list[Container] = []

    async def factory(channel_builders: dict[Any, Any] | None = None, **overrides: Any) -> Container:
        engine = database.engine()
        if database.kind == "sqlite":
            await migrate.upgrade(engine)
        elif not made:
            await reset(engine)
        container = bootstrap(
            make_settings(database, **overrides),
            clock=clock,
            rules=rules,
            engine=engine,
            channel_builders=channel_builders or {},
        )
        made.append(container)
        return container

    yield factory
    for container in made:
        await container.aclose()


@asynccontextmanager
async def running(container: Container, *, background: bool = False) -> AsyncIterator[httpx.AsyncClient]:
    """The app with its lifespan run, and an HTTP client talking to it in-process."""
    app = web_app(container, background=background)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
