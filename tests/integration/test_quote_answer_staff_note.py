"""The staff chat is told each kept answer to a quote, from both channels, with the phone masked."""

from __future__ import annotations

import dataclasses

import pytest
from aiogram.methods import SendMessage

from app.bootstrap import bootstrap
from bot.telegram.runtime import staff_desk
from bot.whatsapp.conversation import Conversation
from bot.whatsapp.state import Inbound
from tests.quote_support import answer_button, quote_event, quote_message
from tests.telegram_support import TelegramWorld, make_settings, register

STAFF = -1001234567890
WA_ID = "79031234567"


@pytest.fixture
async def world(database, engine, clock, rules):
    settings = make_settings(database, staff_telegram_chat_id=STAFF)
    container = bootstrap(settings, clock=clock, rules=rules, engine=engine, channel_builders={})
    return TelegramWorld(container, clock)


def _to_staff(requests):
    return [r.text for r in requests if isinstance(r, SendMessage) and r.chat_id == STAFF]


async def test_a_telegram_answer_is_noted_in_the_staff_chat_once(world):
    chat = world.new_chat()
    await register(chat)
    await quote_event(world)
    message = await quote_message(world, chat)
    [note] = _to_staff(await chat.press(answer_button(message, "✅")))
    assert "Ответ на смету" in note and "(Telegram)" in note
    assert "Заказ R-1042: Ноутбук Lenovo T14" in note
    assert "Смета: Замена аккумулятора — 2\xa0500 ₽" in note and "ремонт согласован" in note
    assert "+7 916 ***-**-67" in note and "+79161234567" not in note
    assert _to_staff(await chat.press(answer_button(message, "📞"))) == []  # already answered: no second note


async def test_a_whatsapp_answer_is_noted_in_the_staff_chat(world):
    chat = world.new_chat()  # its bot is the staff chat's, recorded
    deps = dataclasses.replace(world.container.chat, staff=staff_desk(chat.bot, world.container.chat))
    conversation = Conversation(deps, key_secret="k", sender_number="whatsapp:+15550001111")
    for n, body in enumerate(("Привет", "да", "пропустить", "нет")):
        await conversation.handle(Inbound(WA_ID, body, profile_name="Мария", message_sid=f"SM{n}"))
    await quote_event(world, phone="+" + WA_ID)
    before = len(chat.session.requests)
    await conversation.handle(Inbound(WA_ID, "позвонить", message_sid="SM10"))
    [note] = _to_staff(chat.session.requests[before:])
    assert "(WhatsApp)" in note and "просит перезвонить" in note and "+7 903 ***-**-67" in note
