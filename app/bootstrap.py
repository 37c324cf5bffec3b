"""The one composition root: settings in, a container of ready parts out. Nothing connects at import."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from app.rules_file import load_rules
from app.runtime import ChannelRuntime
from app.settings import Settings
from domain.clock import Clock, SystemClock
from domain.customers import Channel
from domain.delivery import MessageSender
from domain.ports import UnitOfWork
from domain.reactions import ProgramReactions
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
    channels: dict[Channel, ChannelRuntime] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def senders(self) -> dict[Channel, MessageSender]:
        return {channel: runtime.sender for channel, runtime in self.channels.items()}

    async def aclose(self) -> None:
        await self.engine.dispose()


ChannelBuilder = Callable[[Container], ChannelRuntime | None]


def default_channel_builders() -> dict[Channel, ChannelBuilder]:
    """Each channel decides from the settings whether it is on (None when it is off)."""
    from bot.telegram.runtime import build_telegram
    from bot.whatsapp.runtime import build_whatsapp

    return {Channel.TELEGRAM: build_telegram, Channel.WHATSAPP: build_whatsapp}


def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rules: ProgramRules | None = None,
    engine: AsyncEngine | None = None,
    channel_builders: dict[Channel, ChannelBuilder] | None = None,
) -> Container:
    """Build every part from settings; tests pass fakes for what lies outside this machine."""
    rules = rules or load_rules(settings.program_rules)
    engine = engine or create_engine(settings.database_url)
    sessions = session_factory(engine)
    reactions = ProgramReactions(rules)
    container = Container(
        settings=settings,
        rules=rules,
        engine=engine,
        uow=lambda: SqlUnitOfWork(sessions, reactions),
        renderer=Renderer(timezone=settings.timezone, currency=rules.currency),
        clock=clock or SystemClock(),
    )
    builders = default_channel_builders() if channel_builders is None else channel_builders
    for channel, build in builders.items():
        runtime = build(container)
        if runtime is not None:
            container.channels[channel] = runtime
    return container
