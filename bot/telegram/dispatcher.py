"""The dispatcher: routers, the customer middleware, the dialogue storage and the shared parts."""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.deps import ChatDeps
from bot.screens import Screens
from bot.telegram.filters import PrivateOrStaffChat
from bot.telegram.middlewares import CommandsLeaveEdits, CustomerMiddleware, SenderRequired
from bot.telegram.routers import get_routers
from bot.telegram.storage import DatabaseStorage


def build_dispatcher(
    deps: ChatDeps, storage: BaseStorage, isolation: BaseEventIsolation | None = None
) -> Dispatcher:
    """Handlers name what they use: `uow`, `clock`, `rules`, `policy`, `timezone`, `screens`, plus
    `customer` and `texts` from the middleware."""
    if isinstance(storage, DatabaseStorage) and not storage.keyed:
        raise ValueError("the dialogue storage needs its key builder (HashedKeyBuilder)")
    dp = Dispatcher(storage=storage, events_isolation=isolation or SimpleEventIsolation())
    dp.workflow_data.update(
        uow=deps.uow,
        clock=deps.clock,
        rules=deps.rules,
        policy=deps.policy,
        timezone=deps.timezone,
        renderer=deps.renderer,
        default_locale=deps.default_locale,
        screens=Screens(deps),
        staff_chat_id=deps.staff_chat_id,
        staff_secret=deps.staff_secret,
    )
    # The bot is for private chats; in a group it stays quiet rather than answer everybody, except
    # in the staff chat, where replies to customers' questions are relayed (routers/staff.py).
    dp.message.filter(PrivateOrStaffChat())
    dp.update.outer_middleware(CustomerMiddleware(deps))
    dp.message.outer_middleware(SenderRequired())
    dp.message.outer_middleware(CommandsLeaveEdits())
    dp.include_routers(*get_routers())
    return dp
