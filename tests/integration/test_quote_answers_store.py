"""Two answers to one quote at once (two taps, two phones, two replicas): one is kept; both databases."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from domain.customers import Channel
from domain.quote_answers import AnswerOutcome, answer_quote, quote_ref
from domain.quotes import Answer
from tests.quote_support import quote_event
from tests.telegram_support import count, register, tg

__all__ = ["tg"]


async def test_two_answers_at_once_keep_one_and_confirm_one(tg):
    chat = tg.new_chat()
    await register(chat)
    await quote_event(tg)
    async with tg.container.uow() as uow:
        customer = await uow.customers.by_phone("+79161234567")
    ref = quote_ref("R-1042", 250000, "Замена аккумулятора")

    async def answer(with_: Answer):
        async with tg.container.uow() as uow:
            result = await answer_quote(uow, customer.id, ref, with_, Channel.TELEGRAM, tg.clock.now())
            await uow.commit()
            return result.outcome

    outcomes = await asyncio.gather(answer(Answer.APPROVED), answer(Answer.DECLINED))
    assert sorted(outcomes) == sorted([AnswerOutcome.RECORDED, AnswerOutcome.ALREADY_ANSWERED])
    assert await count(tg.container, "quote_answers") == 1
    async with tg.container.engine.connect() as conn:
        rows = (
            await conn.execute(text("SELECT count(*) FROM outbox WHERE template = 'quote_answered'"))
        ).scalar()
    assert rows == 1
