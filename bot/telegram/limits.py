"""Telegram refuses a text over 4096 characters: a longer one goes out as several messages.

One request middleware on the bot's session, so every reply, screen and outbox message passes it.
"""

from __future__ import annotations

import html
import re
from typing import Any, cast

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.enums import ParseMode
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import Response, TelegramType

from bot import split

# Telegram counts the text after parsing its markup, in UTF-16 code units. The raw text is never
# shorter than what Telegram counts, so keeping the raw text under the limit is always safe.
TEXT_LIMIT = 4096
_TAG = re.compile(r"<[^>]*>")


def text_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, *, html_markup: bool, limit: int = TEXT_LIMIT) -> list[str]:
    """Parts of at most `limit`, cut at line ends (the templates never open a tag on one line and
    close it on another); a single line over the limit loses its markup and is cut anywhere."""
    parts = split.split_text(
        text, limit, length=text_length, last_resort=lambda s: _cut(s, html_markup, limit)
    )
    return parts or [text[:limit]]


def _cut(line: str, html_markup: bool, limit: int) -> list[str]:
    if not html_markup:
        return split.cut_anywhere(line, limit, text_length)
    # escaping may lengthen the raw text, but Telegram counts the parsed text, which is the piece
    plain = html.unescape(_TAG.sub("", line))
    return [html.escape(piece, quote=False) for piece in split.cut_anywhere(plain, limit, text_length)]


class SplitLongMessages(BaseRequestMiddleware):
    """sendMessage with a text over the limit: the parts in order, the keyboard on the last."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not isinstance(method, SendMessage) or method.entities or text_length(method.text) <= TEXT_LIMIT:
            return await make_request(bot, method)
        mode: Any = method.parse_mode
        if isinstance(mode, Default):
            mode = bot.default[mode.name]
        parts = split_text(method.text, html_markup=mode == ParseMode.HTML)
        for part in parts[:-1]:
            await make_request(bot, _with(method, text=part, reply_markup=None))
        return await make_request(bot, _with(method, text=parts[-1]))


def _with(method: SendMessage, **changes: Any) -> TelegramMethod[TelegramType]:
    return cast("TelegramMethod[TelegramType]", method.model_copy(update=changes))
