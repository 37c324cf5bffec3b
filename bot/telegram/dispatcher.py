"""The dispatcher: routers, the customer middleware, the dialogue storage and the shared parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Dispatcher, F
from aiogram.enums import ChatType
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.screens import Screens
from bot.telegram.middlewares import CustomerMiddleware
from bot.telegram.routers import get_routers

if TYPE_CHECKING:
    from app.bootstrap import Container


def build_dispatcher(
    container: Container, storage: BaseStorage, isolation: BaseEventIsolation | None = None
) -> Dispatcher:
    """Handlers receive `container`, `screens`, `customer` and `texts` by name."""
    dp = Dispatcher(storage=storage, events_isolation=isolation or SimpleEventIsolation())
    dp["container"] = container
    dp["screens"] = Screens(container)
    # The bot is for private chats; in a group it stays quiet rather than answer everybody.
    dp.message.filter(F.chat.type == ChatType.PRIVATE)
    dp.update.outer_middleware(CustomerMiddleware(container))
    dp.include_routers(*get_routers())
    return dp
