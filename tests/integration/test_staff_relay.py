"""A human on call: a customer's question reaches the staff chat with who is asking, and a staff
member's reply to that card reaches the customer in their own channel. Through the real aiogram
dispatcher (recorded Bot API calls) and the real WhatsApp conversation, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiogram.methods import SendMessage
from aiogram.types import ForceReply

from app.bootstrap import bootstrap
from bot.telegram.callbacks import AskCb
from bot.telegram.runtime import staff_desk
from bot.whatsapp.conversation import Conversation
from bot.whatsapp.state import Inbound
from domain.customers import Channel
from domain.repairs import DeviceCategory, Repair, RepairStatus
from tests.fakes import RecordingSender
from tests.telegram_support import BOT_ID, USER_ID, TelegramWorld, make_settings, register, tg

__all__ = ["tg"]

STAFF = -1001234567890
STRANGERS = -1009999999999
STAFF_MEMBER = {"id": 777, "is_bot": False, "first_name": "Анна"}
WA_ID = "79031234567"


@pytest.fixture
async def world(database, engine, clock, rules):
    settings = make_settings(database, staff_telegram_chat_id=STAFF)
    container = bootstrap(settings, clock=clock, rules=rules, engine=engine, channel_builders={})
    return TelegramWorld(container, clock)


def _sent_to(requests: list[Any], chat_id: int) -> list[SendMessage]:
    return [r for r in requests if isinstance(r, SendMessage) and r.chat_id == chat_id]


def _plain(card_html: str) -> str:
    """The card as Telegram hands it back in `reply_to_message.text`: without the markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", card_html))


def _staff_update(chat, text: str, card_text: str | None, *, chat_id: int = STAFF, message_id: int = 501):
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(chat.clock.now().timestamp()),
        "chat": {"id": chat_id, "type": "supergroup", "title": "Staff"},
        "from": STAFF_MEMBER,
        "text": text,
    }
    if card_text is not None:
        message["reply_to_message"] = {
            "message_id": 400,
            "date": int(chat.clock.now().timestamp()),
            "chat": {"id": chat_id, "type": "supergroup", "title": "Staff"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Loyalty"},
            "text": card_text,
        }
    return {"update_id": next(chat._updates), "message": message}


async def _outbox(world, template: str = "staff_reply") -> list[Any]:
    async with world.container.engine.connect() as conn:
        rows = await conn.execute(
            sa.text("SELECT customer_id, channel, context FROM outbox WHERE template = :t"), {"t": template}
        )
        return list(rows)


async def _open_repair(world, customer_id: int) -> None:
    now = world.clock.now()
    async with world.container.uow() as uow:
        await uow.repairs.add(
            Repair(
                order_id="R-77",
                phone="+79161234567",
                status=RepairStatus.WAITING_PARTS,
                device_category=DeviceCategory.CONSOLE,
                created_at=now,
                updated_at=now,
                customer_id=customer_id,
            )
        )
        await uow.commit()


async def _ask_in_telegram(world, chat) -> str:
    asked = await chat.press(AskCb().pack())
    prompt = _sent_to(asked, USER_ID)[-1]
    assert (
        isinstance(prompt.reply_markup, ForceReply)
        and prompt.reply_markup.input_field_placeholder == "Ваш вопрос"
    )
    said = await chat.say("Когда будет готова приставка?")
    (card,) = _sent_to(said, STAFF)
    assert "Вопрос передан сотруднику" in _sent_to(said, USER_ID)[-1].text
    return card.text


async def test_a_telegram_question_reaches_the_staff_and_the_reply_comes_back(world):
    chat = world.new_chat()
    await register(chat)
    async with world.container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
    await _open_repair(world, identity.customer_id)
    card = await _ask_in_telegram(world, chat)
    assert "Вопрос клиента" in card and "(Telegram)" in card
    assert "Иван Петров, +7 916 ***-**-67, уровень «Бронза»" in card
    assert "R-77: Приставка, ждём запчасти" in card and "Когда будет готова приставка?" in card
    assert "79161234567" not in card and re.search(r"#q_\d+_tg_[0-9a-f]{16}", card)

    answered = await chat.feed(_staff_update(chat, "Завтра после 12:00.", _plain(card)))
    (note,) = _sent_to(answered, STAFF)
    assert note.text == "✅ Ответ отправлен клиенту в Telegram." and note.reply_parameters is not None
    (row,) = await _outbox(world)
    assert row.customer_id == identity.customer_id and row.channel == "telegram"

    sender = RecordingSender(Channel.TELEGRAM)
    await world.container.delivery({Channel.TELEGRAM: sender}).deliver_due()
    ((to, text),) = sender.sent
    assert to == str(USER_ID) and "Ответ на ваш вопрос" in text and "Завтра после 12:00." in text

    again = await chat.feed(_staff_update(chat, "Завтра после 12:00.", _plain(card)))  # Telegram resends
    assert _sent_to(again, STAFF)[0].text == "Этот ответ уже отправлен клиенту."
    assert len(await _outbox(world)) == 1


async def test_a_reply_from_another_group_or_to_another_message_is_ignored(world):
    chat = world.new_chat()
    await register(chat)
    card = await _ask_in_telegram(world, chat)
    stranger = await chat.feed(_staff_update(chat, "Я не сотрудник", _plain(card), chat_id=STRANGERS))
    assert stranger == []  # not a word in a stranger's group
    not_a_card = await chat.feed(_staff_update(chat, "Ответ", "Добро пожаловать!", message_id=502))
    chatter = await chat.feed(_staff_update(chat, "Кто сегодня на смене?", None, message_id=503))
    forged = re.sub(r"#q_(\d+)_tg_[0-9a-f]{16}", r"#q_\1_tg_0000000000000000", _plain(card))
    forgery = await chat.feed(_staff_update(chat, "Ответ", forged, message_id=504))
    other = re.sub(r"#q_\d+_", "#q_999_", _plain(card))
    redirected = await chat.feed(_staff_update(chat, "Ответ", other, message_id=505))
    assert not_a_card == chatter == forgery == redirected == []
    assert await _outbox(world) == []


async def test_a_reply_too_long_or_not_text_is_refused_and_the_staff_is_told(world):
    chat = world.new_chat()
    await register(chat)
    card = await _ask_in_telegram(world, chat)
    long = await chat.feed(_staff_update(chat, "а" * 3001, _plain(card)))
    assert "ответ длиннее 3\xa0000 символов" in _sent_to(long, STAFF)[0].text
    update = _staff_update(chat, "", _plain(card), message_id=502)
    del update["message"]["text"]
    update["message"]["sticker"] = {
        "file_id": "s",
        "file_unique_id": "s",
        "type": "regular",
        "width": 1,
        "height": 1,
        "is_animated": False,
        "is_video": False,
    }
    sticker = await chat.feed(update)
    assert "можно переслать только текст" in _sent_to(sticker, STAFF)[0].text
    assert await _outbox(world) == []


async def test_a_reply_to_a_customer_who_left_is_not_queued_and_the_staff_is_told(world):
    chat = world.new_chat()
    await register(chat)
    card = await _ask_in_telegram(world, chat)
    await chat.block()
    answered = await chat.feed(_staff_update(chat, "Готово!", _plain(card)))
    assert "клиент заблокировал бота в Telegram" in _sent_to(answered, STAFF)[0].text
    assert await _outbox(world) == []


async def _wa(conversation: Conversation, body: str, sid: str) -> str:
    reply = await conversation.handle(Inbound(WA_ID, body, profile_name="Мария", message_sid=sid))
    assert reply is not None
    return reply


async def test_a_whatsapp_question_goes_to_the_staff_chat_and_the_reply_respects_the_window(world):
    chat = world.new_chat()  # its bot is the staff chat's, recorded
    deps = dataclasses.replace(world.container.chat, staff=staff_desk(chat.bot, world.container.chat))
    conversation = Conversation(deps, key_secret="k", sender_number="whatsapp:+15550001111")
    for n, body in enumerate(("Привет", "да", "пропустить", "нет")):
        await _wa(conversation, body, f"SM{n}")
    assert "Напишите ваш вопрос" in await _wa(conversation, "вопрос", "SM10")
    before = len(chat.session.requests)
    assert "Вопрос передан сотруднику" in await _wa(conversation, "Можно забрать в субботу?", "SM11")
    (card,) = _sent_to(chat.session.requests[before:], STAFF)
    assert "(WhatsApp)" in card.text and "Мария, +7 903 ***-**-67" in card.text
    assert "Можно забрать в субботу?" in card.text

    answered = await chat.feed(_staff_update(chat, "Да, до 18:00.", _plain(card.text)))
    assert _sent_to(answered, STAFF)[0].text == "✅ Ответ отправлен клиенту в WhatsApp."
    (row,) = await _outbox(world)
    assert row.channel == "whatsapp"

    world.clock.advance(timedelta(hours=25))  # the customer went quiet: WhatsApp's window closed
    late = await chat.feed(_staff_update(chat, "И в воскресенье тоже.", _plain(card.text), message_id=601))
    assert "больше 24 часов" in _sent_to(late, STAFF)[0].text
    assert len(await _outbox(world)) == 1


async def test_a_command_instead_of_the_question_is_that_command(world):
    chat = world.new_chat()
    deps = dataclasses.replace(world.container.chat, staff=staff_desk(chat.bot, world.container.chat))
    conversation = Conversation(deps, key_secret="k", sender_number="whatsapp:+15550001111")
    for n, body in enumerate(("Привет", "да", "пропустить", "нет")):
        await _wa(conversation, body, f"SM{n}")
    await _wa(conversation, "вопрос", "SM10")
    assert "Ваш баланс" in await _wa(conversation, "баланс", "SM11")
    assert _sent_to(chat.session.requests, STAFF) == []


async def test_without_a_staff_chat_the_customer_is_told_to_call(tg):
    chat = tg.new_chat()
    await register(chat)
    answer = await chat.press(AskCb().pack())
    assert "Сейчас вопросы в чате не принимаются" in _sent_to(answer, USER_ID)[-1].text
