"""Telegram polish: menu taps edit the menu in place, commands speak the customer's language, and the
input field shows what to type. Through the real dispatcher; the recorded Bot API calls are the proof."""

from __future__ import annotations

import pytest
from aiogram.methods import DeleteMyCommands, EditMessageText, SendMessage, SetMyCommands
from aiogram.types import BotCommandScopeChat, ForceReply, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.telegram.callbacks import ConsentCb, DeleteCb, LanguageCb, ProfileCb, ScreenCb
from bot.vocabulary import Screen
from tests.telegram_support import USER_ID, register, tg

__all__ = ["tg"]


@pytest.fixture
async def member(tg):
    chat = tg.new_chat()
    await register(chat)
    return chat


def _of(requests, kind):
    return [r for r in requests if isinstance(r, kind)]


async def test_a_menu_tap_edits_the_menu_message_instead_of_sending_a_new_one(tg, member):
    update = member.callback_update(ScreenCb(name=Screen.BALANCE).pack())
    tapped_message_id = update["callback_query"]["message"]["message_id"]
    answer = await member.feed(update)
    edits = _of(answer, EditMessageText)
    assert len(edits) == 1 and not _of(answer, SendMessage)
    assert edits[0].message_id == tapped_message_id and edits[0].chat_id == USER_ID
    assert "Ваш баланс" in edits[0].text and edits[0].reply_markup is not None
    back = await member.press(ScreenCb(name=Screen.MENU).pack())
    assert len(_of(back, EditMessageText)) == 1 and not _of(back, SendMessage)


async def test_a_typed_command_still_gets_a_new_message(tg, member):
    answer = await member.say("/balance")
    assert len(_of(answer, SendMessage)) == 1 and not _of(answer, EditMessageText)


async def test_a_menu_too_old_to_edit_is_answered_with_a_new_message(tg, member):
    refused = {"ok": False, "error_code": 400, "description": "Bad Request: message can't be edited"}
    member.session.queue_for(EditMessageText, 400, refused)
    answer = await member.press(ScreenCb(name=Screen.TIER).pack())
    assert len(_of(answer, EditMessageText)) == 1
    sent = _of(answer, SendMessage)
    assert len(sent) == 1 and "Ваш уровень" in sent[0].text


async def test_the_same_screen_tapped_twice_sends_nothing_new(tg, member):
    same = {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message is not modified: specified new message content and "
        "reply markup are exactly the same as a current content and reply markup of the message",
    }
    member.session.queue_for(EditMessageText, 400, same)
    answer = await member.press(ScreenCb(name=Screen.BALANCE).pack())
    assert not _of(answer, SendMessage)


async def test_commands_are_listed_in_the_language_the_customer_chose_for_their_chat(tg):
    chat = tg.new_chat(language_code="en")  # the Telegram app speaks English
    await register(chat)
    signed_up = _of(chat.session.requests, SetMyCommands)
    assert signed_up and signed_up[-1].scope == BotCommandScopeChat(chat_id=USER_ID)
    described = {c.command: c.description for c in signed_up[-1].commands}
    chosen = await chat.press(LanguageCb(locale="ru").pack())
    listed = _of(chosen, SetMyCommands)
    assert len(listed) == 1 and listed[0].scope == BotCommandScopeChat(chat_id=USER_ID)
    assert listed[0].language_code is None  # the chat's own list, whatever the app's language
    assert {c.command: c.description for c in listed[0].commands}["balance"] == "Баланс и история баллов"
    chosen = await chat.press(LanguageCb(locale="en").pack())
    assert {c.command: c.description for c in _of(chosen, SetMyCommands)[0].commands}["balance"] == (
        "Balance and points history"
    )
    assert described["balance"] in {"Balance and points history", "Баланс и история баллов"}


async def test_a_deleted_account_gives_the_chat_back_the_default_command_lists(tg, member):
    await member.press(ProfileCb(action="delete").pack())
    answer = await member.press(DeleteCb(confirm=True).pack())
    forgotten = _of(answer, DeleteMyCommands)
    assert len(forgotten) == 1 and forgotten[0].scope == BotCommandScopeChat(chat_id=USER_ID)


async def test_a_typed_answer_is_prompted_by_a_placeholder_in_the_input_field(tg, member):
    asked = await member.press(ProfileCb(action="birthday").pack())
    markup = _of(asked, SendMessage)[-1].reply_markup
    assert (
        isinstance(markup, ForceReply) and markup.input_field_placeholder == "ДД.ММ.ГГГГ, например 25.04.1990"
    )
    wrong = await member.say("31.02.1990")
    again = _of(wrong, SendMessage)[-1]
    assert isinstance(again.reply_markup, ForceReply) and "/menu" in again.text


async def test_the_phone_step_says_in_the_input_field_to_use_the_button(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    asked = await chat.press(ConsentCb(agree=True).pack())
    keyboard = asked[-1].reply_markup
    assert isinstance(keyboard, ReplyKeyboardMarkup)
    assert keyboard.input_field_placeholder == "Нажмите кнопку «Отправить мой номер»"


async def test_the_sign_up_birthday_step_shows_the_date_format_in_the_input_field_and_a_skip_button(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    await chat.press(ConsentCb(agree=True).pack())
    asked = _of(await chat.share_contact(), SendMessage)[-1]
    assert "Когда у вас день рождения" in asked.text
    keyboard = asked.reply_markup
    assert isinstance(keyboard, ReplyKeyboardMarkup)
    assert keyboard.input_field_placeholder == "ДД.ММ.ГГГГ, например 25.04.1990"
    assert [[b.text for b in row] for row in keyboard.keyboard] == [["Пропустить"]]
    wrong = _of(await chat.say("31.02.1990"), SendMessage)[-1]
    assert isinstance(wrong.reply_markup, ReplyKeyboardMarkup)
    assert wrong.reply_markup.input_field_placeholder == "ДД.ММ.ГГГГ, например 25.04.1990"
    skipped = _of(await chat.say("Пропустить"), SendMessage)
    assert isinstance(skipped[0].reply_markup, ReplyKeyboardRemove) and "без даты" in skipped[0].text
    assert "персональные предложения" in skipped[-1].text


async def test_a_birthday_typed_at_sign_up_is_confirmed_and_the_keyboard_put_away(tg):
    chat = tg.new_chat(language_code="en")
    await chat.say("/start")
    await chat.press(ConsentCb(agree=True).pack())
    asked = _of(await chat.share_contact(), SendMessage)[-1]
    assert asked.reply_markup.input_field_placeholder == "DD.MM.YYYY, e.g. 25.04.1990"
    given = _of(await chat.say("25.04.1990"), SendMessage)
    assert isinstance(given[0].reply_markup, ReplyKeyboardRemove) and "Birthday saved" in given[0].text
    assert given[-1].reply_markup is not None and given[-1].reply_markup.inline_keyboard
