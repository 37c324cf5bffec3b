"""Showing one of the shared screens (bot/screens.py renders them) with its Telegram keyboard."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InaccessibleMessage, InlineKeyboardMarkup, Message

from bot.screens import Screens
from bot.telegram import keyboards as kb
from bot.telegram.texts import Texts
from bot.vocabulary import Screen
from domain.customers import Customer


async def show_screen(
    bot: Bot,
    chat_id: int,
    name: str,
    customer: Customer,
    screens: Screens,
    texts: Texts,
    *,
    in_place_of: Message | InaccessibleMessage | None = None,
) -> None:
    """Send the screen, or, for a menu tap (`in_place_of` the bot's message), edit that message.

    A chat of menu taps stays one message long; news (a repair, points) still comes as a new one.
    """
    assert customer.id is not None
    username = (await bot.me()).username  # aiogram caches getMe after the first call

    def invite_link_for(code: str) -> str:
        return f"https://t.me/{username}?start={code}"

    text = await screens.render(name, customer.id, "telegram", invite_link_for=invite_link_for)
    markup = _keyboard(name, customer, texts, invite_link_for)
    if isinstance(in_place_of, Message):
        try:
            await bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=in_place_of.message_id, reply_markup=markup
            )
            return
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:  # the same screen tapped twice: it is already shown
                return
            # too old to edit, deleted, or not a text message: a new message instead
    await bot.send_message(chat_id, text, reply_markup=markup)


def _keyboard(
    name: str, customer: Customer, texts: Texts, invite_link_for: Callable[[str], str]
) -> InlineKeyboardMarkup:
    if name == Screen.MENU:
        return kb.main_menu(texts)
    if name == Screen.PROFILE:
        return kb.profile(texts, customer.marketing_opt_in)
    if name == Screen.INVITE and customer.referral_code:
        return kb.invite(texts, invite_link_for(customer.referral_code))
    return kb.back_to_menu(texts)
