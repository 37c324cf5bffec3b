"""A customer's question to a person: "Ask a question" (menu, /ask), then their next message."""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Chat, Message

from bot.staff import StaffDesk
from bot.telegram import keyboards as kb
from bot.telegram.callbacks import AskCb
from bot.telegram.filters import NotCommand, Registered
from bot.telegram.states import Question
from bot.telegram.texts import Texts
from bot.vocabulary import Action
from domain.customers import Channel, Customer
from domain.ports import UnitOfWork
from domain.questions import ask_staff


async def ask(
    event: Message | CallbackQuery,
    event_chat: Chat,
    bot: Bot,
    state: FSMContext,
    texts: Texts,
    staff: StaffDesk | None = None,
) -> None:
    if isinstance(event, CallbackQuery):
        await event.answer()
    if staff is None:
        await bot.send_message(
            event_chat.id, texts("tg_question_unavailable"), reply_markup=kb.main_menu(texts)
        )
        return
    await state.set_state(Question.text)
    await bot.send_message(event_chat.id, texts("tg_ask_question"), reply_markup=kb.type_question(texts))


async def question_given(
    message: Message,
    state: FSMContext,
    customer: Customer,
    texts: Texts,
    uow: Callable[[], UnitOfWork],
    staff: StaffDesk | None = None,
) -> None:
    assert customer.id is not None
    if not (message.text or "").strip():
        await message.answer(texts("tg_ask_question"), reply_markup=kb.type_question(texts))
        return
    await state.clear()
    async with uow() as unit:
        question = await ask_staff(unit, customer.id, Channel.TELEGRAM, message.text or "")
    passed_on = staff is not None and await staff.forward(question)
    template = "tg_question_sent" if passed_on else "tg_question_failed"
    await message.answer(texts(template), reply_markup=kb.main_menu(texts))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered(), F.chat.type == "private")
    router.callback_query.filter(Registered())
    router.message.register(ask, Command(Action.ASK, ignore_case=True))
    router.callback_query.register(ask, AskCb.filter())
    router.message.register(question_given, Question.text, NotCommand())
    return router
