"""The bot's command list, shown by Telegram in each customer's language."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault

from bot.vocabulary import Action, Screen
from messages import LOCALES, Renderer

log = logging.getLogger(__name__)
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


async def set_chat_commands(bot: Bot, renderer: Renderer, chat_id: int, locale: str) -> None:
    """The list in the language the customer chose, for their chat only (it wins over the app's language).

    A failure is logged, not raised: the customer's own answer matters more than the command list.
    """
    try:
        await bot.set_my_commands(command_list(renderer, locale), scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as exc:
        log.warning("setMyCommands for a chat failed: %s", exc)


async def forget_chat_commands(bot: Bot, chat_id: int) -> None:
    """After an account is deleted the chat falls back to the lists by the app's language."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=chat_id))
    except TelegramAPIError as exc:
        log.warning("deleteMyCommands for a chat failed: %s", exc)
