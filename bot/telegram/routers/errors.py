"""The one error handler: a domain error becomes a reply, anything else is logged and apologised for."""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, ErrorEvent

from bot.telegram.texts import Texts
from domain.errors import DomainError, StoreUnavailable
from messages import Renderer

log = logging.getLogger(__name__)


async def on_error(
    event: ErrorEvent,
    bot: Bot,
    renderer: Renderer,
    default_locale: str,
    event_chat: Chat | None = None,
    texts: Texts | None = None,
    redelivered_on_failure: bool = False,
) -> None:
    error = event.exception
    if isinstance(error, StoreUnavailable) and redelivered_on_failure:
        # webhook mode: the update is answered 503 and Telegram sends it again once we recover
        log.warning("update %s put off: the database is unavailable (%s)", event.update.update_id, error)
        raise error
    if isinstance(error, StoreUnavailable):
        log.warning("update %s failed: the database is unavailable (%s)", event.update.update_id, error)
    elif isinstance(error, DomainError):
        log.info("update %s refused: %s", event.update.update_id, error.code)
    elif isinstance(error, TelegramAPIError):  # e.g. the customer blocked the bot meanwhile
        log.warning("update %s: Telegram refused the answer: %s", event.update.update_id, error)
    else:
        log.error("update %s failed", event.update.update_id, exc_info=error)
    if event_chat is None or isinstance(error, TelegramAPIError) or event.update.my_chat_member:
        return  # nowhere to answer, Telegram itself is what failed, or nobody wrote (a block)
    texts = texts or Texts(renderer, default_locale)
    code = (
        error.code
        if isinstance(error, DomainError)
        else "unavailable"
        if isinstance(error, StoreUnavailable)
        else "internal"
    )
    try:
        await bot.send_message(event_chat.id, texts("tg_error", code=code))
    except TelegramAPIError:
        log.warning("update %s: could not tell the customer it failed", event.update.update_id)


def build_router() -> Router:
    router = Router(name=__name__)
    router.error.register(on_error)
    return router
