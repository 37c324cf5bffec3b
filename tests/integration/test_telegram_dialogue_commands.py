"""Commands always win over a dialogue step that waits for typed text."""

from __future__ import annotations

import pytest
from aiogram.methods import SendDocument

from bot.telegram.callbacks import ConsentCb, ProfileCb
from bot.vocabulary import Screen
from domain.customers import Channel
from tests.telegram_support import USER_ID, last_text, register, tg

__all__ = ["tg"]


@pytest.fixture
async def member(tg):
    chat = tg.new_chat()
    await register(chat)
    return chat


async def _birthday(tg):
    async with tg.container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
        customer = await uow.customers.get(identity.customer_id)
    return customer.birthday.isoformat()


async def _editing_birthday(member):
    assert "ДД.ММ.ГГГГ" in last_text(await member.press(ProfileCb(action="birthday").pack()))


async def test_export_during_a_birthday_edit_leaves_the_edit_and_sends_the_file(tg, member):
    await _editing_birthday(member)
    answer = await member.say("/export")
    assert any(isinstance(r, SendDocument) for r in answer)
    assert "дат" not in " ".join(getattr(r, "text", "") or "" for r in answer)
    assert "не понял" in last_text(await member.say("03.03.1993"))  # no edit waits any more
    assert await _birthday(tg) == "1990-04-25"


async def test_delete_me_during_a_birthday_edit_asks_for_the_deletion(tg, member):
    await _editing_birthday(member)
    assert "Удалить аккаунт?" in last_text(await member.say("/delete_me"))


@pytest.mark.parametrize(
    "command",
    [*(f"/{name}" for name in Screen), "/start", "/language", "/unsubscribe", "/subscribe"],
)
async def test_every_command_during_a_birthday_edit_is_handled_and_ends_the_edit(tg, member, command):
    await _editing_birthday(member)
    answer = last_text(await member.say(command))
    assert "Не получилось прочитать дату" not in answer and "ДД.ММ.ГГГГ" not in answer
    await member.say("03.03.1993")
    assert await _birthday(tg) == "1990-04-25"  # the date typed afterwards is not taken as an edit


async def test_an_unknown_command_during_an_edit_is_called_unknown_not_a_bad_date(tg, member):
    await _editing_birthday(member)
    assert "Команды <code>/foo</code> нет" in last_text(await member.say("/foo"))


async def test_a_command_during_sign_up_is_never_read_as_the_answer(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    await chat.press(ConsentCb(agree=True).pack())
    await chat.share_contact()
    assert "Команды <code>/foo</code> нет" in last_text(await chat.say("/foo"))
    assert "Когда у вас день рождения" in last_text(await chat.say("/help"))  # resumed where it stood
    assert "персональные предложения" in last_text(await chat.say("25.04.1990"))
