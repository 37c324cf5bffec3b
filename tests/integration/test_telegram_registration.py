"""Sign-up in Telegram through the real dispatcher, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from aiogram.methods import SendMessage
from aiogram.types import ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.telegram.callbacks import ConsentCb, RegistrationCb
from domain.customers import Channel
from tests.builders import registered
from tests.telegram_support import USER_ID, buttons_of, count, last_text, register, texts_of, tg

__all__ = ["tg"]


async def _customer(container, phone="+79161234567"):
    async with container.uow() as uow:
        return await uow.customers.by_phone(phone)


async def test_a_new_customer_signs_up_and_gets_the_welcome_bonus_with_the_menu(tg):
    chat = tg.new_chat()
    consent = await chat.say("/start")
    assert "политике конфиденциальности" in last_text(consent)
    assert 'href="http://localhost:8000/privacy"' in last_text(consent) and "2026-11-01" in last_text(consent)
    assert 'href="http://localhost:8000/privacy/consent"' in last_text(consent)
    assert [b.text for b in buttons_of(consent[-1])] == ["✅ Согласен", "❌ Не согласен"]

    asked = await chat.press(ConsentCb(agree=True).pack())
    keyboard = asked[-1].reply_markup
    assert isinstance(keyboard, ReplyKeyboardMarkup) and keyboard.keyboard[0][0].request_contact
    got = await chat.share_contact("79161234567")
    assert isinstance(got[0].reply_markup, ReplyKeyboardRemove) and "+7 916 ***-**-67" in texts_of(got)[0]
    assert "ДД.ММ.ГГГГ" in last_text(got)
    assert "персональные предложения" in last_text(await chat.say("25.04.1990"))

    welcome = await chat.press(RegistrationCb(action="marketing_yes").pack())
    assert "200 баллов" in last_text(welcome) and "Добро пожаловать" in last_text(welcome)
    assert "💰 Баланс" in [b.text for b in buttons_of(welcome[-1])]

    customer = await _customer(tg.container)
    assert customer.name == "Иван Петров" and customer.birthday == date(1990, 4, 25)
    assert customer.marketing_opt_in and customer.pd_policy_version == "2026-11-01"
    assert customer.points_balance == 200 and customer.locale == "ru"
    async with tg.container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
    assert identity.customer_id == customer.id
    assert await count(tg.container, "telegram_chat_states") == 0  # the finished dialogue leaves nothing
    async with tg.container.uow() as uow:  # what was agreed to: the document's version and checksum
        agreed = (await uow.consents.of_customer(customer.id))[0]
    assert agreed.document_hash == tg.container.chat.policy.hash_for("ru") and agreed.document_hash


async def test_declining_consent_stores_nothing_and_says_how_to_come_back(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    declined = await chat.press(ConsentCb(agree=False).pack())
    assert "/start" in last_text(declined)
    for table in ("customers", "channel_identities", "ledger_entries", "telegram_chat_states"):
        assert await count(tg.container, table) == 0, table


async def test_someone_elses_contact_is_refused(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    await chat.press(ConsentCb(agree=True).pack())
    refused = await chat.share_contact("+79161234567", user_id=USER_ID + 1)
    assert "чужой контакт" in last_text(refused)
    assert await count(tg.container, "customers") == 0
    assert "ДД.ММ.ГГГГ" in last_text(await chat.share_contact("+79161234567"))


async def test_a_typed_phone_number_is_refused_with_an_explanation(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    await chat.press(ConsentCb(agree=True).pack())
    refused = await chat.say("+7 916 123-45-67")
    assert "нельзя ввести вручную" in last_text(refused)
    assert refused[-1].reply_markup.keyboard[0][0].request_contact
    assert await count(tg.container, "customers") == 0


async def test_a_contact_with_an_invalid_number_is_refused(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    await chat.press(ConsentCb(agree=True).pack())
    assert "не похож" in last_text(await chat.share_contact("12345"))


@pytest.mark.parametrize(
    ("typed", "explanation"),
    [
        ("31.02.2000", "Такой даты не бывает"),
        ("99.99.9999", "Такой даты не бывает"),
        ("01.01.2027", "ещё не наступила"),
        ("01.01.1800", "опечатка"),
        ("вчера", "Не получилось прочитать"),
        ("", "Не получилось прочитать"),
    ],
)
async def test_impossible_birthdays_are_refused_with_an_example(tg, typed, explanation):
    chat = tg.new_chat()
    await chat.say("/start")
    await chat.press(ConsentCb(agree=True).pack())
    await chat.share_contact()
    refused = await chat.say(typed) if typed else await chat.feed(chat.message_update(sticker=_sticker()))
    assert explanation in last_text(refused) and "25.04.1990" in last_text(refused)
    skipped = await chat.press(RegistrationCb(action="skip_birthday").pack())
    assert "персональные предложения" in last_text(skipped)


async def test_the_dialogue_survives_a_restart_of_the_process(tg):
    before = tg.new_chat()
    await before.say("/start")
    await before.press(ConsentCb(agree=True).pack())
    await before.share_contact()
    assert await count(tg.container, "telegram_chat_states") == 1

    after = tg.new_chat()  # a new dispatcher and bot: only the database remembers
    assert "персональные предложения" in last_text(await after.say("01.02.1985"))
    assert "Добро пожаловать" in last_text(await after.press(RegistrationCb(action="marketing_no").pack()))
    customer = await _customer(tg.container)
    assert customer.birthday == date(1985, 2, 1) and not customer.marketing_opt_in


async def test_a_phone_already_known_joins_that_customer_without_a_second_bonus(tg, rules, clock):
    first = await registered(
        tg.container.uow(), rules, clock.now(), channel=Channel.WHATSAPP, external_id="whatsapp:+79161234567"
    )
    joined = await register(tg.new_chat(), marketing=False)
    assert "Мы нашли вас" in last_text(joined) and "200 баллов" in last_text(joined)
    assert await count(tg.container, "customers") == 1
    assert await count(tg.container, "ledger_entries") == 1
    async with tg.container.uow() as uow:
        identities = await uow.identities.of_customer(first.customer.id)
        customer = await uow.customers.get(first.customer.id)
    assert {i.channel for i in identities} == {Channel.WHATSAPP, Channel.TELEGRAM}
    assert not customer.marketing_opt_in  # the latest answer counts
    assert customer.birthday == date(1990, 4, 25)  # it had none


async def test_a_referral_payload_is_stored_and_a_bad_one_ignored(tg, rules, clock):
    referrer = (await registered(tg.container.uow(), rules, clock.now(), "+79160000001")).customer
    await register(tg.new_chat(), start=f"/start {referrer.referral_code}")
    friend = await _customer(tg.container)
    assert friend.referred_by_id == referrer.id

    for payload in ("bad payload!", "x" * 65, "ref<script>"):
        chat = tg.new_chat(user_id=USER_ID + len(payload))
        assert "политике" in last_text(await chat.say(f"/start {payload}"))
    welcome = await register(
        tg.new_chat(user_id=USER_ID + 100), phone="+79160000002", start="/start bad payload!"
    )
    assert "Добро пожаловать" in last_text(welcome)
    assert (await _customer(tg.container, "+79160000002")).referred_by_id is None


async def test_only_a_live_members_code_promises_a_friends_bonus_on_the_consent_screen(tg, rules, clock):
    from domain.services.privacy import delete_customer

    referrer = (await registered(tg.container.uow(), rules, clock.now(), "+79160000001")).customer
    gone = (await registered(tg.container.uow(), rules, clock.now(), "+79160000003")).customer
    async with tg.container.uow() as uow:
        await delete_customer(uow, gone.id, clock.now())
        await uow.commit()

    invited = last_text(await tg.new_chat(user_id=USER_ID + 1).say(f"/start {referrer.referral_code}"))
    assert "Вас пригласил друг" in invited
    # a well-formed code nobody has, and a deleted member's code: the plain consent, no promise
    for n, code in enumerate(("ABCDEFGH", gone.referral_code), start=2):
        screen = last_text(await tg.new_chat(user_id=USER_ID + n).say(f"/start {code}"))
        assert "политике" in screen and "пригласил" not in screen


async def test_english_speakers_are_answered_in_english_and_keep_that_language(tg):
    chat = tg.new_chat(language_code="en-GB")
    assert "privacy policy" in last_text(await chat.say("/start"))
    welcome = await register(chat)
    assert "Welcome to the loyalty program" in last_text(welcome) and "200 points" in last_text(welcome)
    assert (await _customer(tg.container)).locale == "en"


async def test_member_commands_lead_an_unregistered_person_to_registration(tg):
    chat = tg.new_chat()
    for command in ("/balance", "/menu", "/profile", "/delete_me", "/export"):
        answer = await chat.say(command)
        assert "зарегистрироваться" in texts_of(answer)[0] and "политике" in last_text(answer)
    await chat.press(ConsentCb(agree=True).pack())
    reminder = await chat.say("/balance")  # mid-dialogue: the current step is asked again
    assert reminder[-1].reply_markup.keyboard[0][0].request_contact


async def test_buttons_are_expected_where_the_dialogue_asks_for_them(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    answer = await chat.say("да")
    assert "кнопками" in texts_of(answer)[0] and "политике" in last_text(answer)


async def test_a_registered_customer_sending_start_gets_the_menu(tg):
    chat = tg.new_chat()
    await register(chat)
    again = await chat.say("/start someone")
    assert "уже участвуете" in last_text(again)
    assert all(isinstance(r, SendMessage) for r in again)


def _sticker():
    return {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
