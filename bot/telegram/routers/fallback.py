"""Whatever no other handler took: a short helpful answer, never silence."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.screens import Screens
from bot.telegram import keyboards as kb
from bot.telegram.texts import Texts
from domain.customers import Customer
from messages.faq import faq_topic

# Telegram itself caps a message at 4096 characters; nothing the bot expects comes close to this.
TEXT_LIMIT = 1000


def _menu(customer: Customer | None, texts: Texts) -> InlineKeyboardMarkup | None:
    return kb.main_menu(texts) if customer is not None else None


async def unknown_command(message: Message, customer: Customer | None, texts: Texts) -> None:
    command = (message.text or "").split(maxsplit=1)[0][:64]
    text = texts("tg_unknown_command", command=command, registered=customer is not None)
    await message.answer(text, reply_markup=_menu(customer, texts))


async def too_long(message: Message, customer: Customer | None, texts: Texts) -> None:
    text = texts("tg_too_long", limit=TEXT_LIMIT, registered=customer is not None)
    await message.answer(text, reply_markup=_menu(customer, texts))


async def not_understood(message: Message, customer: Customer | None, texts: Texts, screens: Screens) -> None:
    topic = faq_topic(message.text or "") if customer is not None else None
    if topic is not None and customer is not None and customer.id is not None:
        answer = await screens.render(f"faq_{topic}", customer.id, "telegram")
        await message.answer(answer, reply_markup=_menu(customer, texts))
        return
    text = texts("tg_not_understood", registered=customer is not None)
    await message.answer(text, reply_markup=_menu(customer, texts))


async def unsupported(message: Message, customer: Customer | None, texts: Texts) -> None:
    text = texts("tg_unsupported", registered=customer is not None)
    await message.answer(text, reply_markup=_menu(customer, texts))


async def stale_button(query: CallbackQuery, texts: Texts) -> None:
    await query.answer(texts.plain("tg_button_expired"), show_alert=True)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(too_long, F.text.len() > TEXT_LIMIT)
    router.message.register(not_understood, F.text)
    router.message.register(unsupported)
    router.callback_query.register(stale_button)
    return router
