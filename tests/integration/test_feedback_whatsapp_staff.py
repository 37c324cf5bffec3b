"""A low score given in WhatsApp alerts the staff chat (through the Telegram bot), its comment follows."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from aiogram.methods import SendMessage

from app.bootstrap import bootstrap
from bot.telegram.runtime import staff_desk
from bot.whatsapp.conversation import Conversation
from bot.whatsapp.state import Inbound
from tests.feedback_support import complete_repair, feedback_rows
from tests.telegram_support import TelegramWorld, make_settings

STAFF = -1001234567890
WA_ID = "79031234567"


@pytest.fixture
async def world(database, engine, clock, rules):
    settings = make_settings(database, staff_telegram_chat_id=STAFF)
    container = bootstrap(settings, clock=clock, rules=rules, engine=engine, channel_builders={})
    return TelegramWorld(container, clock)


def _to_staff(requests):
    return [r.text for r in requests if isinstance(r, SendMessage) and r.chat_id == STAFF]


async def _asked_in_whatsapp(world):
    chat = world.new_chat()  # its bot is the staff chat's, recorded
    deps = dataclasses.replace(world.container.chat, staff=staff_desk(chat.bot, world.container.chat))
    conversation = Conversation(deps, key_secret="k", sender_number="whatsapp:+15550001111")
    for n, body in enumerate(("Привет", "да", "пропустить", "нет")):
        await conversation.handle(Inbound(WA_ID, body, profile_name="Мария", message_sid=f"SM{n}"))
    await complete_repair(world.container.uow, world.container.rules, "R-7", "+" + WA_ID, world.clock.now())
    world.clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    await world.container.jobs.run("feedback_requests", date(2026, 11, 23))
    async with world.container.engine.begin() as conn:  # the question went out on WhatsApp
        await conn.execute(
            sa.text(
                "UPDATE outbox SET status = 'sent', channel = 'whatsapp' WHERE template = 'feedback_request'"
            )
        )
    return chat, conversation


async def test_a_low_whatsapp_score_alerts_the_staff_and_its_comment_follows(world):
    chat, conversation = await _asked_in_whatsapp(world)
    before = len(chat.session.requests)
    reply = await conversation.handle(Inbound(WA_ID, "1", message_sid="SM10"))
    assert reply is not None and "Нам жаль" in reply
    [alert] = _to_staff(chat.session.requests[before:])
    assert "Низкая оценка ремонта" in alert and "(WhatsApp)" in alert and "Заказ R-7" in alert
    assert "Оценка: <b>1</b> из 5" in alert and "+7 903 ***-**-67" in alert
    before = len(chat.session.requests)
    await conversation.handle(Inbound(WA_ID, "Экран снова мерцает", message_sid="SM11"))
    [follow_up] = _to_staff(chat.session.requests[before:])
    assert "Комментарий к низкой оценке" in follow_up and "«Экран снова мерцает»" in follow_up
    [row] = await feedback_rows(world.container.engine)
    assert (row["score"], row["comment"]) == (1, "Экран снова мерцает")


async def test_a_high_whatsapp_score_and_its_comment_alert_nobody(world):
    chat, conversation = await _asked_in_whatsapp(world)
    before = len(chat.session.requests)
    await conversation.handle(Inbound(WA_ID, "4", message_sid="SM10"))
    await conversation.handle(Inbound(WA_ID, "Всё отлично", message_sid="SM11"))
    assert _to_staff(chat.session.requests[before:]) == []
