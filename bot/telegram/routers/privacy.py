"""The customer's rights: their data as a JSON file, and deleting the account (after confirmation)."""

from __future__ import annotations

import json
from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Chat, Message

from bot.telegram import keyboards as kb
from bot.telegram.callbacks import DeleteCb, ProfileCb
from bot.telegram.commands import forget_chat_commands
from bot.telegram.filters import Registered
from bot.telegram.texts import Texts
from bot.vocabulary import Action
from domain.clock import Clock
from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.services.privacy import delete_customer, export_customer_data


async def export(
    event: Message | CallbackQuery,
    event_chat: Chat,
    bot: Bot,
    customer: Customer,
    texts: Texts,
    uow: Callable[[], UnitOfWork],
) -> None:
    assert customer.id is not None
    if isinstance(event, CallbackQuery):
        await event.answer()
    async with uow() as unit:
        data = await export_customer_data(unit, customer.id)
    document = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    file = BufferedInputFile(document, filename=f"my-data-{customer.id}.json")
    await bot.send_document(event_chat.id, file, caption=texts("tg_export_ready"))


async def ask_delete(
    event: Message | CallbackQuery, event_chat: Chat, bot: Bot, customer: Customer, texts: Texts
) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    text = texts("tg_delete_confirm", balance=customer.points_balance)
    await bot.send_message(event_chat.id, text, reply_markup=kb.confirm_delete(texts))


async def delete_confirmed(
    query: CallbackQuery,
    bot: Bot,
    state: FSMContext,
    customer: Customer,
    texts: Texts,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
) -> None:
    assert customer.id is not None
    async with uow() as unit:
        await delete_customer(unit, customer.id, clock.now())
        await unit.commit()
    await state.clear()
    await query.answer()
    await forget_chat_commands(bot, query.from_user.id)
    await bot.send_message(query.from_user.id, texts("tg_deleted"), reply_markup=kb.remove())


async def delete_cancelled(query: CallbackQuery, bot: Bot, texts: Texts) -> None:
    await query.answer()
    await bot.send_message(query.from_user.id, texts("tg_delete_cancelled"), reply_markup=kb.main_menu(texts))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered())
    router.callback_query.filter(Registered())
    router.message.register(export, Command(Action.EXPORT, ignore_case=True))
    router.callback_query.register(export, ProfileCb.filter(F.action == "export"))
    router.message.register(ask_delete, Command(Action.DELETE, ignore_case=True))
    router.callback_query.register(ask_delete, ProfileCb.filter(F.action == "delete"))
    router.callback_query.register(delete_confirmed, DeleteCb.filter(F.confirm))
    router.callback_query.register(delete_cancelled, DeleteCb.filter(~F.confirm))
    return router
