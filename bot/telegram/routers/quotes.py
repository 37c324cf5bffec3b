"""A customer's answer to a repair quote: the buttons under "waiting for your approval".

The button names a quote of an order (QuoteCb); the domain checks it against the presser's own
orders, so a forged or stale button changes nothing and gets a polite answer.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bot.staff import StaffDesk
from bot.telegram.callbacks import QuoteCb
from bot.telegram.filters import Registered
from bot.telegram.texts import Texts
from domain.clock import Clock
from domain.customers import Channel, Customer
from domain.ports import UnitOfWork
from domain.quote_answers import AnswerOutcome, answer_quote
from domain.quotes import Answer

_REPLIES = {
    AnswerOutcome.ALREADY_ANSWERED: "quote_already_answered",
    AnswerOutcome.NOT_WAITING: "quote_not_waiting",
    AnswerOutcome.UNKNOWN: "quote_unknown",
}


async def quote_answered(
    query: CallbackQuery,
    callback_data: QuoteCb,
    customer: Customer,
    texts: Texts,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    staff: StaffDesk | None = None,
) -> None:
    assert customer.id is not None
    try:
        answer = Answer(callback_data.answer)
    except ValueError:
        await query.answer(texts.plain("quote_unknown"), show_alert=True)
        return
    async with uow() as unit:
        result = await answer_quote(
            unit, customer.id, callback_data.ref, answer, Channel.TELEGRAM, clock.now()
        )
        await unit.commit()
    if result.outcome is AnswerOutcome.RECORDED:
        await query.answer()  # the confirmation comes from the outbox, with the answer in words
        if staff is not None and result.note is not None:  # after the commit, as a question is
            await staff.note_quote_answer(result.note)
    else:
        reply = texts.plain(_REPLIES[result.outcome], order_id=result.order_id)
        await query.answer(reply, show_alert=True)
    if result.outcome is not AnswerOutcome.UNKNOWN and isinstance(query.message, Message):
        # the question is settled: its buttons go (a message too old to edit keeps them, harmlessly)
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)


def build_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(Registered())
    router.callback_query.register(quote_answered, QuoteCb.filter())
    return router
