"""A registered customer's screens, settings and rights in Telegram, through the real dispatcher."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
from aiogram.methods import AnswerCallbackQuery, SendDocument

from bot.telegram.callbacks import DeleteCb, LanguageCb, ProfileCb, ScreenCb
from bot.vocabulary import Screen
from domain.customers import Channel
from tests.telegram_support import BOT_USERNAME, USER_ID, buttons_of, count, last_text, register, texts_of, tg

__all__ = ["tg"]


@pytest.fixture
async def member(tg):
    chat = tg.new_chat()
    await register(chat)
    return chat


async def _customer(tg):
    async with tg.container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
        return await uow.customers.get(identity.customer_id) if identity else None


@pytest.mark.parametrize("screen", Screen)
async def test_every_screen_is_a_command_and_a_menu_button(tg, member, screen):
    by_command = await member.say(f"/{screen}")
    by_button = await member.press(ScreenCb(name=screen).pack())
    assert isinstance(by_button[0], AnswerCallbackQuery)
    assert last_text(by_command) == last_text(by_button)
    assert last_text(by_command).strip()
    assert buttons_of(by_command[-1]), "every screen offers a way on"


async def test_the_balance_screen_shows_the_points(tg, member):
    assert "200" in last_text(await member.say("/balance"))


async def test_invite_gives_the_personal_link_and_a_share_button(tg, member):
    customer = await _customer(tg)
    link = f"https://t.me/{BOT_USERNAME}?start={customer.referral_code}"
    answer = await member.say("/invite")
    assert link in last_text(answer)
    share = buttons_of(answer[-1])[0].url
    assert share.startswith("https://t.me/share/url?")
    assert parse_qs(urlparse(share).query)["url"] == [link]


async def test_the_profile_masks_the_phone_and_offers_edits(tg, member):
    answer = await member.say("/profile")
    assert "+7 916 ***-**-67" in last_text(answer) and "79161234567" not in last_text(answer)
    labels = [b.text for b in buttons_of(answer[-1])]
    assert {"🌐 Язык", "🎂 День рождения", "🔕 Отписаться от предложений"} <= set(labels)


async def test_changing_the_language_answers_in_it_at_once(tg, member):
    prompt = await member.say("/language")
    assert [b.text for b in buttons_of(prompt[-1])] == ["Русский", "English"]
    done = await member.press(LanguageCb(locale="en").pack())
    assert "English" in last_text(done)
    assert (await _customer(tg)).locale == "en"
    assert "Balance" in " ".join(b.text for b in buttons_of((await member.say("/menu"))[-1]))
    assert "There is no <code>/nonsense</code> command" in last_text(await member.say("/nonsense"))


async def test_a_made_up_language_button_changes_nothing(tg, member):
    answer = await member.press(LanguageCb(locale="xx").pack())
    assert isinstance(answer[-1], AnswerCallbackQuery) and answer[-1].show_alert
    assert (await _customer(tg)).locale == "ru"


async def test_unsubscribe_and_subscribe_take_effect_at_once(tg, member):
    assert "отписались" in last_text(await member.say("/unsubscribe"))
    assert not (await _customer(tg)).marketing_opt_in
    assert "подписаны" in last_text(await member.say("/subscribe"))
    assert (await _customer(tg)).marketing_opt_in
    await member.press(ProfileCb(action="marketing_off").pack())
    assert not (await _customer(tg)).marketing_opt_in


async def test_the_birthday_can_be_changed_from_the_profile_and_bad_dates_are_refused(tg, member):
    assert "ДД.ММ.ГГГГ" in last_text(await member.press(ProfileCb(action="birthday").pack()))
    assert "Такой даты не бывает" in last_text(await member.say("30.02.1991"))
    assert "сохранена" in last_text(await member.say("03.03.1993"))
    customer = await _customer(tg)
    assert customer.birthday.isoformat() == "1993-03-03" and customer.birthday_set_at is not None


async def test_export_sends_the_customers_data_as_a_json_file(tg, member):
    answer = await member.say("/export")
    document = next(r for r in answer if isinstance(r, SendDocument))
    data = json.loads(document.document.data)
    assert data["customer"]["phone"] == "+79161234567"
    assert document.document.filename.endswith(".json") and "JSON" in document.caption


async def test_delete_me_asks_first_then_erases_and_the_person_can_start_again(tg, member):
    confirm = await member.say("/delete_me")
    assert "Удалить аккаунт?" in last_text(confirm) and "200 баллов" in last_text(confirm)
    cancelled = await member.press(DeleteCb(confirm=False).pack())
    assert "ничего не удаляем" in last_text(cancelled) and await _customer(tg) is not None

    await member.say("/delete_me")
    deleted = await member.press(DeleteCb(confirm=True).pack())
    assert "удалён" in last_text(deleted)
    assert await _customer(tg) is None
    assert await count(tg.container, "ledger_entries") >= 1  # the ledger stays, anonymous
    assert "зарегистрироваться" in texts_of(await member.say("/balance"))[0]


async def test_only_private_chats_are_answered(tg, member):
    update = member.message_update(text="/balance")
    update["message"]["chat"] = {"id": -100, "type": "group", "title": "shop"}
    assert await member.feed(update) == []


async def test_a_customer_who_writes_again_is_reachable_again(tg, member, clock):
    async with tg.container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
        identity.unreachable_at = clock.now()
        await uow.identities.update(identity)
        await uow.commit()
    await member.say("/menu")
    async with tg.container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
    assert identity.unreachable_at is None and identity.last_inbound_at == clock.now()
