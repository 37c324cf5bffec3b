"""The dispatcher: routers, the customer middleware, the dialogue storage and the shared parts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram import Dispatcher, F
from aiogram.enums import ChatType
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import SimpleEventIsolation

from bot.screens import Screens
from bot.telegram.middlewares import CommandsLeaveEdits, CustomerMiddleware
from bot.telegram.routers import get_routers
from bot.telegram.storage import DatabaseStorage, dialogue_secret

if TYPE_CHECKING:
    from app.bootstrap import Container


def build_dispatcher(
    container: Container, storage: BaseStorage, isolation: BaseEventIsolation | None = None
) -> Dispatcher:
    """Handlers receive `container`, `screens`, `customer` and `texts` by name."""
    if isinstance(storage, DatabaseStorage) and not storage.keyed:
        token = container.settings.telegram_bot_token
        if token is None:
            raise ValueError("the dialogue storage is keyed from the bot token, and there is none")
        storage = storage.keyed_by(dialogue_secret(token.get_secret_value()))
    dp = Dispatcher(storage=storage, events_isolation=isolation or SimpleEventIsolation())
    dp["container"] = container
    dp["screens"] = Screens(container)
    # The bot is for private chats; in a group it stays quiet rather than answer everybody.
    dp.message.filter(F.chat.type == ChatType.PRIVATE)
    dp.update.outer_middleware(CustomerMiddleware(container))
    dp.message.outer_middleware(CommandsLeaveEdits())
    dp.include_routers(*get_routers())
    return dp
