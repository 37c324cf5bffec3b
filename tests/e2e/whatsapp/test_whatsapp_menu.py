"""A member's words and numbers, in both languages, answered with the shared screens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.screens import Screens
from domain.outbox import OutboxMessage
from tests.e2e.whatsapp.conftest import PHONE, WA_ID, register, runtime_of, say

RU = {
    "menu": ["меню", "Меню!", "0", "главное меню"],
    "balance": ["баланс", "БАЛАНС!!!", "1", " баллы "],
    "repairs": ["ремонт", "Ремонты", "2"],
    "tier": ["уровень", "3"],
    "offers": ["акции", "4"],
    "invite": ["пригласить", "5"],
    "profile": ["профиль", "6"],
    "rules": ["правила", "10", "как это работает"],
    "help": ["помощь", "8", "?"],
}
EN = {
    "menu": ["menu", "MENU.", "hello"],
    "balance": ["balance", "Balance?", "points"],
    "repairs": ["repairs", "status"],
    "tier": ["tier", "level"],
    "offers": ["offers"],
    "invite": ["invite"],
    "profile": ["profile"],
    "rules": ["rules", "how it works"],
    "help": ["help", "HELP!"],
}


async def _member(wa, client, fake_twilio, locale):
    await register(client, fake_twilio, locale=locale)
    async with wa.uow() as uow:
        return await uow.customers.by_phone(PHONE)


async def _screen(wa, name, customer_id, locale):
    conversation = runtime_of(wa).conversation
    return await Screens(wa.chat).render(
        name, customer_id, "whatsapp", invite_link_for=lambda code: conversation.invite_link(code, locale)
    )


@pytest.mark.parametrize(("locale", "words"), [("ru", RU), ("en", EN)])
async def test_every_keyword_and_number_shows_its_screen(wa, client, fake_twilio, locale, words):
    customer = await _member(wa, client, fake_twilio, locale)
    for screen, variants in words.items():
        expected = await _screen(wa, screen, customer.id, locale)
        for text in variants:
            assert await say(client, fake_twilio, text) == expected, (screen, text)


async def test_screens_use_whatsapp_formatting_and_the_numbered_menu(wa, client, fake_twilio):
    await _member(wa, client, fake_twilio, "ru")
    menu = await say(client, fake_twilio, "меню")
    assert "*Главное меню*" in menu and "5 — пригласить друга" in menu and "<" not in menu
    help_text = await say(client, fake_twilio, "помощь")
    assert "*СТОП*" in help_text and "/balance" not in help_text
    invite = await say(client, fake_twilio, "пригласить")
    assert "https://wa.me/14155238886?text=" in invite and "%20ref_" in invite


async def test_words_that_are_not_understood_get_a_short_help(wa, client, fake_twilio):
    await _member(wa, client, fake_twilio, "ru")
    for text in ("абракадабра", "11", "!!!"):
        assert "Не понял вас" in await say(client, fake_twilio, text)


async def test_media_empty_and_oversized_messages_get_a_polite_answer(wa, client, fake_twilio):
    await _member(wa, client, fake_twilio, "en")
    photo = await say(client, fake_twilio, "", NumMedia="1", MediaUrl0="https://api.twilio.com/m.jpg")
    assert "I can only read text" in photo
    assert "did not get that" in await say(client, fake_twilio, "   ")
    assert "too long" in await say(client, fake_twilio, "word " * 400)


async def test_stop_and_start_switch_marketing_at_once_while_transactional_messages_still_go(
    wa, client, fake_twilio, clock
):
    customer = await _member(wa, client, fake_twilio, "ru")
    assert "рекламные сообщения и акции больше не придут" in await say(client, fake_twilio, "СТОП")
    async with wa.uow() as uow:
        assert not (await uow.customers.get(customer.id)).marketing_opt_in
        for key, marketing in (("promo", True), ("status", False)):
            await uow.outbox.add(
                OutboxMessage(
                    customer.id,
                    "welcome",
                    {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Бронза"},
                    key,
                    clock.now(),
                    marketing=marketing,
                )
            )
        await uow.commit()
    sent_before = len(fake_twilio.sent)
    stats = await wa.delivery().deliver_due()
    assert (stats.sent, stats.skipped) == (1, 1)
    assert len(fake_twilio.sent) == sent_before + 1
    for variant in ("unsubscribe", "Отписаться", "стоп."):
        assert "больше не придут" in await say(client, fake_twilio, variant)
    assert "снова будете получать" in await say(client, fake_twilio, "СТАРТ")
    async with wa.uow() as uow:
        assert (await uow.customers.get(customer.id)).marketing_opt_in
    assert "снова будете получать" in await say(client, fake_twilio, "start")  # saying it twice is fine


async def test_the_language_switches_and_the_menu_follows(wa, client, fake_twilio):
    customer = await _member(wa, client, fake_twilio, "ru")
    switched = await say(client, fake_twilio, "язык")
    assert "Language: English" in switched and "*Main menu*" in switched
    assert "Язык: русский" in await say(client, fake_twilio, "7")  # toggles back
    async with wa.uow() as uow:
        assert (await uow.customers.get(customer.id)).locale == "ru"
    await say(client, fake_twilio, "english")
    assert "*Your balance: 200 points*" in await say(client, fake_twilio, "balance")


async def test_delete_asks_for_confirmation_and_anything_else_keeps_the_account(
    wa, client, fake_twilio, clock
):
    customer = await _member(wa, client, fake_twilio, "ru")
    assert "*Удалить аккаунт?*" in await say(client, fake_twilio, "удалить")
    cancelled = await say(client, fake_twilio, "cancel")
    assert "Удаление отменено" in cancelled
    async with wa.uow() as uow:
        kept = await uow.customers.get(customer.id)
    assert not kept.is_deleted and kept.marketing_opt_in  # "cancel" here only cancelled the deletion
    await say(client, fake_twilio, "delete")
    clock.advance(timedelta(minutes=11))
    assert "Удаление отменено" in await say(client, fake_twilio, "да")  # the confirmation expired
    await say(client, fake_twilio, "удалить")
    assert "аккаунт удалён" in await say(client, fake_twilio, "ДА")
    async with wa.uow() as uow:
        gone = await uow.customers.get(customer.id)
        assert gone.is_deleted and gone.phone is None
        assert await uow.identities.of_customer(customer.id) == []
    assert "согласие на обработку" in await say(client, fake_twilio, "меню")  # a stranger again


async def test_every_message_of_a_member_moves_the_24_hour_window(wa, client, fake_twilio, clock):
    customer = await _member(wa, client, fake_twilio, "ru")
    clock.advance(timedelta(hours=30))
    await say(client, fake_twilio, "баланс")
    async with wa.uow() as uow:
        [identity] = await uow.identities.of_customer(customer.id)
    assert identity.last_inbound_at == clock.now() and identity.external_id == WA_ID


async def test_a_member_sending_an_invite_code_is_told_they_are_in_already(wa, client, fake_twilio):
    await _member(wa, client, fake_twilio, "en")
    reply = await say(client, fake_twilio, "Hi! Invitation code: ref_AbCdEf12345")
    assert "already a member" in reply and "*Main menu*" in reply


async def test_replies_go_straight_out_and_never_through_the_outbox(wa, client, fake_twilio):
    await _member(wa, client, fake_twilio, "ru")
    before = len(fake_twilio.sent)
    await say(client, fake_twilio, "1")
    assert len(fake_twilio.sent) == before + 1
    async with wa.uow() as uow:
        assert await uow.outbox.due(wa.clock.now(), 10) == []


async def test_a_tapped_template_button_counts_as_its_word(wa, client, fake_twilio):
    customer = await _member(wa, client, fake_twilio, "en")
    reply = await say(client, fake_twilio, "", ButtonText="STOP", ButtonPayload="stop", MessageType="button")
    assert "no more promotional messages" in reply
    async with wa.uow() as uow:
        assert not (await uow.customers.get(customer.id)).marketing_opt_in
