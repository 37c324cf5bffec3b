"""The one composition root: settings in, a container of ready parts out. Nothing connects at import."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from app.rules_file import load_rules
from app.settings import Settings
from domain.clock import Clock, SystemClock
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from messages import Renderer
from store.engine import create_engine, session_factory
from store.uow import SqlUnitOfWork

log = logging.getLogger("loyalty")


@dataclass
class Container:
    settings: Settings
    rules: ProgramRules
    engine: AsyncEngine
    uow: Callable[[], UnitOfWork]
    renderer: Renderer
    clock: Clock
    extras: dict[str, Any] = field(default_factory=dict)

    async def aclose(self) -> None:
        await self.engine.dispose()


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rules: ProgramRules | None = None,
    engine: AsyncEngine | None = None,
) -> Container:
    """Build every part from settings; tests pass fakes for what lies outside this machine."""
    rules = rules or load_rules(settings.program_rules)
    engine = engine or create_engine(settings.database_url)
    sessions = session_factory(engine)
    return Container(
        settings=settings,
        rules=rules,
        engine=engine,
        uow=lambda: SqlUnitOfWork(sessions),
        renderer=Renderer(timezone=settings.timezone, currency=rules.currency),
        clock=clock or SystemClock(),
    )
