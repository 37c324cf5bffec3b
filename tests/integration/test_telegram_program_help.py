"""/rules and the common questions in Telegram, through the real dispatcher, in both languages."""

from __future__ import annotations

import pytest

from bot.screens import Screens
from bot.telegram.callbacks import LanguageCb, ScreenCb
from tests.telegram_support import last_text, register, tg

__all__ = ["tg"]


async def _member(tg, locale: str):
    chat = tg.new_chat()
    await register(chat)
    if locale == "en":
        await chat.press(LanguageCb(locale="en").pack())
    return chat


async def test_rules_is_a_command_and_a_menu_button_explaining_the_program(tg):
    chat = await _member(tg, "ru")
    text = last_text(await chat.say("/rules"))
    assert "Платина: 10%" in text and "до 30% счёта" in text and "/ask" in text
    assert last_text(await chat.press(ScreenCb(name="rules").pack())) == text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Когда сгорят баллы?", "200 баллов сгорят"),
        ("как потратить баллы?", "Сейчас у вас 200 баллов"),
        ("Как получить уровень", "До уровня «Серебро» осталось 15"),
    ],
)
async def test_a_common_question_in_free_text_gets_its_answer(tg, question, expected):
    chat = await _member(tg, "ru")
    assert expected in last_text(await chat.say(question))


async def test_in_english_the_question_is_answered_in_english(tg):
    chat = await _member(tg, "en")
    assert "You have 200 points now" in last_text(await chat.say("How can I spend points?"))
    assert "Platinum: 10%" in last_text(await chat.say("/rules"))


async def test_a_text_that_matches_no_question_still_gets_the_short_help(tg):
    chat = await _member(tg, "ru")
    assert "Когда сгорят" not in last_text(await chat.say("абракадабра"))


async def test_only_known_screens_and_questions_are_rendered(tg):
    chat = await _member(tg, "ru")
    async with tg.container.uow() as uow:
        customer = await uow.customers.by_phone("+79161234567")
    screens = Screens(tg.container.chat)
    assert "сгорят" in await screens.render("faq_expiry", customer.id, "telegram")
    for name in ("expiry", "faq_weather", "faq_", "screen_rules"):
        with pytest.raises(ValueError, match="unknown screen"):
            await screens.render(name, customer.id, "telegram")
    assert chat is not None
