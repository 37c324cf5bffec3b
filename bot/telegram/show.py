"""Showing one of the shared screens (bot/screens.py renders them) with its Telegram keyboard."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot
from aiogram.types import InlineKeyboardMarkup

from bot.screens import Screens
from bot.telegram import keyboards as kb
from bot.telegram.texts import Texts
from bot.vocabulary import Screen
from domain.customers import Customer


async def show_screen(
    bot: Bot, chat_id: int, name: str, customer: Customer, screens: Screens, texts: Texts
) -> None:
    assert customer.id is not None
    username = (await bot.me()).username  # aiogram caches getMe after the first call

    def invite_link_for(code: str) -> str:
        return f"https://t.me/{username}?start={code}"

    text = await screens.render(name, customer.id, "telegram", invite_link_for=invite_link_for)
    await bot.send_message(chat_id, text, reply_markup=_keyboard(name, customer, texts, invite_link_for))


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
