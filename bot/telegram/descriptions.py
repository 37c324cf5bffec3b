"""The bot's profile texts, from the rules file's `[shop]` section: what a customer reads before /start.

`setMyDescription` (the empty chat's "What can this bot do?", up to 512 characters) and
`setMyShortDescription` (the profile and shared links, up to 120), one per language and the shop's
default language for everybody else, as the command lists are.
"""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from messages import LOCALES, Renderer

log = logging.getLogger(__name__)
DESCRIPTION_LIMIT = 512
SHORT_DESCRIPTION_LIMIT = 120


def descriptions(renderer: Renderer, locale: str) -> tuple[str, str]:
    """(description, short description) in `locale`, cut to Telegram's limits as a last resort."""
    long = renderer.render("tg_bot_description", locale, "plain")
    short = renderer.render("tg_bot_short_description", locale, "plain")
    return long[:DESCRIPTION_LIMIT], short[:SHORT_DESCRIPTION_LIMIT]


async def set_descriptions(bot: Bot, renderer: Renderer, default_locale: str) -> None:
    """A failure is logged and leaves the bot working: it is the profile, not the conversation."""
    try:
        for locale in (*LOCALES, None):
            long, short = descriptions(renderer, locale or default_locale)
            await bot.set_my_description(description=long, language_code=locale)
            await bot.set_my_short_description(short_description=short, language_code=locale)
    except TelegramAPIError as exc:
        log.warning("telegram: could not set the bot's description: %s", exc)
