"""Signing up on WhatsApp: consent first, nothing personal before it, one account across channels."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from domain.customers import Channel
from store.tables import customers
from store.tables_whatsapp import whatsapp_dialogues
from tests.builders import registered
from tests.e2e.whatsapp.conftest import PHONE, WA_ID, register, runtime_of, say


async def _customer(container, phone=PHONE):
    async with container.uow() as uow:
        return await uow.customers.by_phone(phone)


async def _dialogue_rows(container):
    async with container.engine.connect() as conn:
        return (await conn.execute(sa.select(whatsapp_dialogues))).mappings().all()


async def test_a_stranger_signs_up_in_russian_and_gets_the_bonus_and_the_menu(wa, client, fake_twilio, clock):
    consent = await say(client, fake_twilio, "Здравствуйте!")
    assert "согласие на обработку персональных данных" in consent
    # the program first, then the consent as a message of its own (not shared with the promotion)
    intro, consent_alone = (m["Body"] for m in fake_twilio.sent[-2:])  # two messages
    assert "Копите баллы" in intro and "согласие" not in intro
    assert "Копите баллы" not in consent_alone and "согласие на обработку" in consent_alone
    assert str(wa.settings.policy_url) in consent and wa.settings.policy_url.host != "localhost"
    assert "/privacy/consent" in consent and "2026-11-01" in consent
    assert "*ДА*" in consent and "<b>" not in consent
    assert "дату в формате *ДД.ММ.ГГГГ*" in await say(client, fake_twilio, "ДА")
    welcome = await say(client, fake_twilio, "15.05.1990")
    assert "персональные предложения" in welcome
    welcome = await say(client, fake_twilio, "Да.")
    assert "*Добро пожаловать в программу лояльности*, Иван!" in welcome
    assert "приветственный бонус: 200 баллов" in welcome
    assert "*Главное меню*" in welcome and "1 — баланс" in welcome
    customer = await _customer(wa)
    assert customer.name == "Иван" and customer.locale == "ru"
    assert customer.birthday == date(1990, 5, 15) and customer.marketing_opt_in
    assert customer.pd_policy_version == "2026-11-01" and customer.pd_consent_at == clock.now()
    assert customer.points_balance == 200
    async with wa.uow() as uow:
        [identity] = await uow.identities.of_customer(customer.id)
    assert identity.channel is Channel.WHATSAPP and identity.external_id == WA_ID
    assert identity.last_inbound_at == clock.now()
    assert await _dialogue_rows(wa) == []  # the registration state is gone once the account exists


async def test_english_is_detected_from_the_first_words(wa, client, fake_twilio):
    consent = await say(client, fake_twilio, "hi")
    assert "consent to process your personal data" in consent and "*YES*" in consent
    assert "as *DD.MM.YYYY*" in await say(client, fake_twilio, "yes")
    await say(client, fake_twilio, "skip")
    welcome = await say(client, fake_twilio, "no")
    assert "*Welcome to the loyalty program*" in welcome and "*Main menu*" in welcome
    customer = await _customer(wa)
    assert customer.locale == "en" and customer.birthday is None and not customer.marketing_opt_in


async def test_the_language_can_be_switched_during_sign_up(wa, client, fake_twilio):
    assert "согласие" in await say(client, fake_twilio, "Привет")
    switched = await say(client, fake_twilio, "English")
    assert "Language: English" in switched and "consent to process your personal data" in switched
    await say(client, fake_twilio, "YES")
    assert "Language:" not in await say(client, fake_twilio, "01.01.1980")
    await say(client, fake_twilio, "yes")
    assert (await _customer(wa)).locale == "en"


async def test_nothing_personal_is_stored_before_consent_and_a_decline_deletes_the_state(
    wa, client, fake_twilio
):
    await say(client, fake_twilio, "Привет")
    [row] = await _dialogue_rows(wa)
    assert WA_ID not in str(dict(row)) and "Иван" not in str(dict(row))
    assert len(row["key"]) == 64 and row["step"] == "consent"
    async with wa.engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(customers)) == 0
    declined = await say(client, fake_twilio, "нет")
    assert "ничего не сохранили" in declined
    assert await _dialogue_rows(wa) == []
    assert await _customer(wa) is None


async def test_anything_but_yes_or_no_repeats_the_consent_question(wa, client, fake_twilio):
    await say(client, fake_twilio, "Привет")
    for text in ("баланс", "", "может быть"):
        assert "ответьте *ДА*" in await say(client, fake_twilio, text)
    assert (await _dialogue_rows(wa))[0]["step"] == "consent"


async def test_impossible_birthdays_are_refused_with_an_example(wa, client, fake_twilio):
    await say(client, fake_twilio, "Привет")
    await say(client, fake_twilio, "да")
    assert "Такой даты не бывает" in await say(client, fake_twilio, "31.02.1990")
    assert "Не получилось прочитать дату" in await say(client, fake_twilio, "вчера")
    assert "ещё не наступила" in await say(client, fake_twilio, "01.01.2030")
    assert "опечатка" in await say(client, fake_twilio, "01.01.1800")
    assert "25.04.1990" in await say(client, fake_twilio, "32/13/1990")
    assert "персональные предложения" in await say(client, fake_twilio, "29.02.2000")


async def test_stop_before_signing_up_stores_nothing(wa, client, fake_twilio):
    assert "мы не будем вам писать" in await say(client, fake_twilio, "СТОП")
    await say(client, fake_twilio, "Привет")
    assert "мы не будем вам писать" in await say(client, fake_twilio, "stop")
    assert await _dialogue_rows(wa) == []


async def test_a_phone_registered_through_telegram_joins_the_same_account(
    wa, client, fake_twilio, rules, clock
):
    telegram = await registered(wa.uow(), rules, clock.now(), phone=PHONE, channel=Channel.TELEGRAM)
    await say(client, fake_twilio, "Привет")
    joined = await say(client, fake_twilio, "да")
    assert "*Мы нашли вас!*" in joined and "Ваш баланс: 200 баллов" in joined
    assert "*Главное меню*" in joined
    async with wa.uow() as uow:
        identities = await uow.identities.of_customer(telegram.customer.id)
        assert {i.channel for i in identities} == {Channel.TELEGRAM, Channel.WHATSAPP}
    async with wa.engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(customers)) == 1
    assert (await _customer(wa)).points_balance == 200  # no second welcome bonus
    assert "*Ваш баланс: 200 баллов*" in await say(client, fake_twilio, "баланс")


async def test_an_invite_link_text_makes_the_friend_a_referral(wa, client, fake_twilio, rules, clock):
    inviter = (await registered(wa.uow(), rules, clock.now(), phone="+79169999999")).customer
    link = runtime_of(wa).conversation.invite_link(inviter.referral_code, "ru")
    assert link.startswith("https://wa.me/14155238886?text=")
    prefilled = parse_qs(urlsplit(link).query)["text"][0]
    assert f"ref_{inviter.referral_code}" in prefilled
    consent = await say(client, fake_twilio, prefilled)
    assert "Вас пригласил друг" in consent
    await say(client, fake_twilio, "да")
    await say(client, fake_twilio, "пропустить")
    await say(client, fake_twilio, "нет")
    assert (await _customer(wa)).referred_by_id == inviter.id


async def test_a_repeated_webhook_delivery_is_answered_once(wa, client, fake_twilio):
    await say(client, fake_twilio, "Привет", sid="SM" + "7" * 32)
    assert await say(client, fake_twilio, "Привет", sid="SM" + "7" * 32) == ""
    assert len(fake_twilio.sent) == 2  # the program and the consent, once


async def test_the_whole_sign_up_helper_registers(wa, client, fake_twilio):
    assert "*Главное меню*" in await register(client, fake_twilio)
    assert (await _customer(wa)) is not None


async def test_a_registration_abandoned_for_a_day_starts_over(wa, client, fake_twilio, clock):
    await say(client, fake_twilio, "Привет")
    await say(client, fake_twilio, "да")
    await say(client, fake_twilio, "15.05.1990")
    clock.advance(timedelta(days=1, minutes=1))
    assert "согласие на обработку" in await say(client, fake_twilio, "да")
    [row] = await _dialogue_rows(wa)
    assert row["step"] == "consent" and "birthday" not in row["data"]
