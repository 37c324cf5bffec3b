"""The one error handler: a domain error becomes a reply, anything else is logged and apologised for."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, ErrorEvent

from bot.telegram.texts import Texts
from domain.errors import DomainError
from messages import Renderer

log = logging.getLogger(__name__)


async def on_error(
    event: ErrorEvent,
    bot: Bot,
    renderer: Renderer,
    default_locale: str,
    event_chat: Chat | None = None,
    texts: Texts | None = None,
) -> None:
    error = event.exception
    if isinstance(error, DomainError):
        log.info("update %s refused: %s", event.update.update_id, error.code)
    elif isinstance(error, TelegramAPIError):  # e.g. the customer blocked the bot meanwhile
        log.warning("update %s: Telegram refused the answer: %s", event.update.update_id, error)
    else:
        log.error("update %s failed", event.update.update_id, exc_info=error)
    if event_chat is None or isinstance(error, TelegramAPIError):
        return  # nowhere to answer, or Telegram itself is what failed
    texts = texts or Texts(renderer, default_locale)
    code = error.code if isinstance(error, DomainError) else "internal"
    try:
        await bot.send_message(event_chat.id, texts("tg_error", code=code))
    except TelegramAPIError:
        log.warning("could not tell chat %s about a failed update", event_chat.id)


def build_router() -> Router:
    router = Router(name=__name__)
    router.error.register(on_error)
    return router
