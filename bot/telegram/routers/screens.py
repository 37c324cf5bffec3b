"""The registered customer's screens: each a command and an inline-menu button."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.screens import Screens
from bot.telegram import keyboards as kb
from bot.telegram.callbacks import ScreenCb
from bot.telegram.filters import Registered
from bot.telegram.show import show_screen
from bot.telegram.texts import Texts
from bot.vocabulary import SCREEN_NAMES, Screen
from domain.customers import Customer


async def already_registered(message: Message, state: FSMContext, customer: Customer, texts: Texts) -> None:
    await state.clear()
    await message.answer(texts("tg_already_registered", name=customer.name), reply_markup=kb.main_menu(texts))


async def screen_command(
    message: Message,
    command: CommandObject,
    bot: Bot,
    state: FSMContext,
    customer: Customer,
    screens: Screens,
    texts: Texts,
) -> None:
    await state.clear()  # a screen leaves any half-done profile edit
    await show_screen(bot, message.chat.id, command.command.lower(), customer, screens, texts)


async def screen_button(
    query: CallbackQuery,
    callback_data: ScreenCb,
    bot: Bot,
    state: FSMContext,
    customer: Customer,
    screens: Screens,
    texts: Texts,
) -> None:
    await query.answer()
    await state.clear()
    name = callback_data.name if callback_data.name in SCREEN_NAMES else Screen.MENU
    await show_screen(bot, query.from_user.id, name, customer, screens, texts, in_place_of=query.message)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered())
    router.callback_query.filter(Registered())
    router.message.register(already_registered, CommandStart())
    router.message.register(screen_command, Command(*Screen, ignore_case=True))
    router.callback_query.register(screen_button, ScreenCb.filter())
    return router
