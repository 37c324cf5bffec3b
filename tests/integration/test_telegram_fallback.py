"""Odd input gets a short polite answer (with the menu for members): never silence, never a traceback."""

from __future__ import annotations

import logging

import pytest
from aiogram.methods import AnswerCallbackQuery

from tests.telegram_support import buttons_of, last_text, register, tg

__all__ = ["tg"]

STICKER = {
    "sticker": {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
}
PHOTO = {"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90, "height": 90}]}
LOCATION = {"location": {"latitude": 55.75, "longitude": 37.61}}


@pytest.fixture
async def member(tg):
    chat = tg.new_chat()
    await register(chat)
    return chat


@pytest.mark.parametrize(
    ("content", "answer"),
    [
        (STICKER, "только текст"),
        (PHOTO, "только текст"),
        (LOCATION, "только текст"),
        ({"text": "/frobnicate now"}, "Команды <code>/frobnicate</code> нет"),
        ({"text": "x" * 5000}, "слишком длинное"),
        ({"text": "привет"}, "не понял"),
        ({"text": "<b>hi</b> & bye"}, "не понял"),
    ],
)
async def test_a_member_gets_a_short_answer_with_the_menu(tg, member, caplog, content, answer):
    with caplog.at_level(logging.WARNING):
        replies = await member.feed(member.message_update(**content))
    assert answer in last_text(replies)
    assert "💰 Баланс" in [b.text for b in buttons_of(replies[-1])]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "content", [STICKER, PHOTO, {"text": "/frobnicate"}, {"text": "я" * 5000}, {"text": "hello"}]
)
async def test_a_stranger_is_pointed_to_start(tg, caplog, content):
    chat = tg.new_chat()
    with caplog.at_level(logging.WARNING):
        replies = await chat.feed(chat.message_update(**content))
    assert "/start" in last_text(replies)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_an_unknown_or_stale_button_is_answered_not_ignored(tg, member):
    for data in ("garbage", "s:nonexistent", "r:marketing_yes", ""):
        replies = await member.press(data) if data else await member.press("x" * 64)
        assert replies, data
        if isinstance(replies[-1], AnswerCallbackQuery):
            assert replies[-1].text
        else:
            assert last_text(replies)


async def test_english_odd_input_is_answered_in_english(tg):
    chat = tg.new_chat(language_code="en")
    assert "I understand only text" in last_text(await chat.feed(chat.message_update(**STICKER)))


async def test_a_failing_handler_is_logged_and_the_customer_gets_an_apology(tg, member, caplog, monkeypatch):
    """The one error handler: an unexpected failure still answers the customer."""

    async def broken(*args, **kwargs):
        raise RuntimeError("database fell over")

    screens = member.dp["screens"]
    monkeypatch.setattr(screens, "render", broken)
    with caplog.at_level(logging.ERROR):
        replies = await member.say("/balance")
    assert "Что-то пошло не так" in last_text(replies)
    assert any("failed" in r.getMessage() for r in caplog.records)


async def test_a_domain_error_becomes_its_own_reply(tg, member, monkeypatch):
    from domain.errors import CustomerNotFound

    async def gone(*args, **kwargs):
        raise CustomerNotFound("deleted meanwhile")

    monkeypatch.setattr(member.dp["screens"], "render", gone)
    assert "не нашли ваш аккаунт" in last_text(await member.say("/tier"))


async def test_a_private_message_without_a_sender_is_ignored_quietly(tg, caplog):
    chat = tg.new_chat()
    raw = chat.message_update(text="/start")
    del raw["message"]["from"]
    with caplog.at_level(logging.INFO):
        requests = await chat.feed(raw)
    assert requests == []  # nobody to answer, so no "something went wrong" either
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert any("has no sender" in r.getMessage() for r in caplog.records)
    assert (await chat.say("/start")) != []  # the next, ordinary message is answered as always
