"""Answering a repair quote with the Telegram buttons: through the real dispatcher, on both databases.

The "waiting for your approval" message goes out from the outbox with three buttons; a press is
checked against the presser's own order still waiting with that same quote, and recorded once.
"""

from __future__ import annotations

import sqlalchemy as sa
from aiogram.methods import AnswerCallbackQuery, EditMessageReplyMarkup

from domain.repairs import RepairStatus
from tests.quote_support import (
    QUOTE_ORDER,
    QUOTE_PHONE,
    answer_button,
    deliver_to,
    quote_event,
    quote_message,
)
from tests.telegram_support import buttons_of, count, register, tg

__all__ = ["tg"]

PHONE, ORDER = QUOTE_PHONE, QUOTE_ORDER


async def _answers(world):
    async with world.container.engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT order_id, answer, channel FROM quote_answers"))
        return [tuple(r) for r in rows]


def _alerts(requests):
    return [r.text for r in requests if isinstance(r, AnswerCallbackQuery) and r.text]


async def test_the_quote_message_carries_approve_decline_and_call_me_buttons_in_the_customers_language(tg):
    chat = tg.new_chat()
    await register(chat)
    await quote_event(tg)
    message = await quote_message(tg, chat)
    assert "Ответьте кнопкой ниже" in message.text
    assert [b.text for b in buttons_of(message)] == ["✅ Согласовать", "❌ Отказаться", "📞 Позвоните мне"]
    assert all(len(b.callback_data.encode()) <= 64 for b in buttons_of(message))


async def test_approving_records_the_answer_once_confirms_it_and_a_second_press_is_told_it_was_received(tg):
    chat = tg.new_chat()
    await register(chat)
    await quote_event(tg)
    message = await quote_message(tg, chat)
    pressed = await chat.press(answer_button(message, "✅"))
    assert [r for r in pressed if isinstance(r, AnswerCallbackQuery)]
    assert [r for r in pressed if isinstance(r, EditMessageReplyMarkup)]  # the answered buttons go
    assert await _answers(tg) == [(ORDER, "approved", "telegram")]
    [confirmation] = await deliver_to(tg, chat)
    assert "вы согласовали ремонт по заказу R-1042" in confirmation.text and "2\xa0500" in confirmation.text
    again = await chat.press(answer_button(message, "❌"))
    [alert] = _alerts(again)
    assert alert.startswith("Мы уже получили ваш ответ по заказу R-1042, спасибо.")
    assert await _answers(tg) == [(ORDER, "approved", "telegram")]
    assert await deliver_to(tg, chat) == []  # no second confirmation


async def test_call_me_and_decline_are_recorded_as_such(tg):
    chat = tg.new_chat()
    await register(chat)
    await quote_event(tg)
    await quote_event(tg, order="R-2000", amount=99000, text="Чистка")
    messages = [m for m in await deliver_to(tg, chat) if "ждёт вашего согласования" in m.text]
    first, second = sorted(messages, key=lambda m: "R-2000" in m.text)
    await chat.press(answer_button(first, "📞"))
    await chat.press(answer_button(second, "❌"))
    assert sorted(await _answers(tg)) == [(ORDER, "call_me", "telegram"), ("R-2000", "declined", "telegram")]
    texts = [m.text for m in await deliver_to(tg, chat)]
    assert any("мы позвоним вам по заказу R-1042" in t for t in texts)
    assert any("Вы отказались от ремонта по заказу R-2000" in t for t in texts)


async def test_another_customers_button_changes_nothing_and_gets_a_polite_answer(tg):
    owner = tg.new_chat()
    await register(owner)
    stranger = tg.new_chat(user_id=777002, first_name="Пётр")
    await register(stranger, phone="+79169998877")
    await quote_event(tg)
    message = await quote_message(tg, owner)
    pressed = await stranger.press(answer_button(message, "✅"))
    assert _alerts(pressed) == [
        "Эта кнопка больше не действует. Откройте последнее сообщение о заказе или позвоните нам."
    ]
    assert await _answers(tg) == [] and await count(tg.container, "quote_answers") == 0


async def test_an_order_no_longer_waiting_says_so_and_records_nothing(tg):
    chat = tg.new_chat()
    await register(chat)
    await quote_event(tg)
    message = await quote_message(tg, chat)
    await quote_event(tg, RepairStatus.IN_REPAIR)
    pressed = await chat.press(answer_button(message, "✅"))
    assert len(_alerts(pressed)) == 1 and "Заказ R-1042 уже не ждёт согласования" in _alerts(pressed)[0]
    assert await _answers(tg) == []


async def test_a_button_of_a_revised_quote_is_stale_and_the_new_one_works(tg):
    chat = tg.new_chat()
    await register(chat)
    await quote_event(tg)
    old = await quote_message(tg, chat)
    await quote_event(tg, amount=310000, text="Замена аккумулятора и шлейфа")
    new = await quote_message(tg, chat)
    assert _alerts(await chat.press(answer_button(old, "✅")))[0].startswith("Эта кнопка больше не действует")
    assert await _answers(tg) == []
    await chat.press(answer_button(new, "✅"))
    assert await _answers(tg) == [(ORDER, "approved", "telegram")]


async def test_garbage_callback_data_changes_nothing(tg):
    chat = tg.new_chat()
    await register(chat)
    await quote_event(tg)
    message = await quote_message(tg, chat)
    ref = answer_button(message, "✅").split(":")[-1]
    for data in (
        f"qa:approve_all:{ref}",
        "qa:approved:0000",
        "qa:approved",
        "qa:::",
        "qa:approved:" + "x" * 50,
    ):
        pressed = await chat.press(data)
        assert len(_alerts(pressed)) == 1, data
    assert await _answers(tg) == []
