"""The bot's command list, shown by Telegram in each customer's language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeDefault

from bot.vocabulary import Action, Screen
from messages import LOCALES, Renderer

MEMBER_COMMANDS = (*Screen, *Action)
LISTED = ("start", *(s for s in Screen if s is not Screen.HELP), *Action, Screen.HELP)


def command_list(renderer: Renderer, locale: str) -> list[BotCommand]:
    return [BotCommand(command=name, description=renderer.label(f"cmd_{name}", locale)) for name in LISTED]


async def set_commands(bot: Bot, renderer: Renderer, default_locale: str) -> None:
    """One list per language (Telegram picks by the app's language_code), the default for the rest."""
    scope = BotCommandScopeDefault()
    for locale in LOCALES:
        await bot.set_my_commands(command_list(renderer, locale), scope=scope, language_code=locale)
    await bot.set_my_commands(command_list(renderer, default_locale), scope=scope)
