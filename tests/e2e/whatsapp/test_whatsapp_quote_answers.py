"""Answering a repair quote in WhatsApp with words: signed Twilio posts, the real app, on both databases.

`да` / `нет` / `позвонить` (`yes` / `no` / `call`) answer the customer's latest order waiting with a
quote; with none waiting they mean what they meant before.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.services.repairs import record_repair_event
from tests.e2e.whatsapp.conftest import PHONE, register, say


async def _event(wa, status=RepairStatus.WAITING_APPROVAL, *, order="R-1042", amount=250000, text="Замена"):
    quoted = status is RepairStatus.WAITING_APPROVAL
    event = RecordRepairEvent(
        event_id=f"{order}:{status.value}:{amount}",
        type=RepairEventType.STATUS_CHANGED,
        order_id=order,
        phone=PHONE,
        status=status,
        device_category=DeviceCategory.PHONE,
        occurred_at=wa.clock.now(),
        quote_amount_minor=amount if quoted else None,
        quote_text=text if quoted else None,
    )
    async with wa.uow() as uow:
        await record_repair_event(uow, wa.rules, event, wa.clock.now())
        await uow.commit()


async def _answers(wa):
    async with wa.engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT order_id, answer, channel FROM quote_answers ORDER BY id"))
        return [tuple(r) for r in rows]


async def _delivered(wa, fake):
    before = len(fake.sent)
    await wa.delivery().deliver_due()
    return [m.get("Body", "") for m in fake.sent[before:]]


async def test_the_whatsapp_quote_message_asks_for_the_words(wa, client, fake_twilio):
    await register(client, fake_twilio)
    await _event(wa)
    [text] = [b for b in await _delivered(wa, fake_twilio) if "ждёт вашего согласования" in b]
    assert "Ответьте «да», чтобы согласовать, «нет», чтобы отказаться, или «позвонить»" in text


@pytest.mark.parametrize(
    ("locale", "word", "answer", "confirmation"),
    [
        ("ru", "да", "approved", "вы согласовали ремонт по заказу R-1042"),
        ("ru", "Нет!", "declined", "Вы отказались от ремонта по заказу R-1042"),
        ("ru", "позвонить", "call_me", "мы позвоним вам по заказу R-1042"),
        ("en", "yes", "approved", "you approved the repair of order R-1042"),
        ("en", "No", "declined", "You declined the repair of order R-1042"),
        ("en", "call", "call_me", "we will call you about order R-1042"),
    ],
)
async def test_a_word_answers_the_waiting_quote_once_and_is_confirmed(
    wa, client, fake_twilio, locale, word, answer, confirmation
):
    await register(client, fake_twilio, locale=locale)
    await _event(wa)
    await _delivered(wa, fake_twilio)
    assert await say(client, fake_twilio, word) == ""  # the confirmation comes from the outbox
    assert await _answers(wa) == [("R-1042", answer, "whatsapp")]
    [sent] = await _delivered(wa, fake_twilio)
    assert confirmation in sent
    again = await say(client, fake_twilio, "да" if locale == "ru" else "yes")
    assert "R-1042" in again and (
        "уже получили ваш ответ" in again or "already received your answer" in again
    )
    assert await _answers(wa) == [("R-1042", answer, "whatsapp")]
    assert await _delivered(wa, fake_twilio) == []


async def test_the_words_answer_the_latest_waiting_order(wa, client, fake_twilio):
    await register(client, fake_twilio)
    await _event(wa, order="R-1")
    wa.clock.advance(timedelta(minutes=5))
    await _event(wa, order="R-2", amount=100000)
    await say(client, fake_twilio, "да")
    assert await _answers(wa) == [("R-2", "approved", "whatsapp")]


async def test_with_no_order_waiting_the_words_fall_through_to_what_they_meant_before(
    wa, client, fake_twilio
):
    await register(client, fake_twilio)
    await _event(wa)
    await _event(wa, RepairStatus.IN_REPAIR)
    before = await say(client, fake_twilio, "да")
    assert await _answers(wa) == []
    assert "уже получили" not in before and "не ждёт" not in before
    assert before  # the usual "not understood" answer, as for any other word
