"""WhatsApp edge cases: STOP in every step, odd characters, odd numbers, odd status callbacks."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.e2e.whatsapp.conftest import ACCOUNT_SID, PHONE, post_signed, register, say


async def _customer(container, phone=PHONE):
    async with container.uow() as uow:
        return await uow.customers.by_phone(phone)


async def _dialogues(container) -> int:
    async with container.engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT count(*) FROM whatsapp_dialogues"))).scalar_one())


@pytest.mark.parametrize("word", ["СТОП", "stop", "Отписаться", "STOP ALL"])
async def test_stop_during_a_pending_deletion_opts_out_at_once_and_keeps_the_account(
    wa, client, fake_twilio, word
):
    await register(client, fake_twilio)
    assert (await _customer(wa)).marketing_opt_in
    assert "*Удалить аккаунт?*" in await say(client, fake_twilio, "удалить")
    answer = await say(client, fake_twilio, word)
    assert "Удаление отменено" in answer and "рекламные сообщения" in answer
    customer = await _customer(wa)
    assert not customer.marketing_opt_in and not customer.is_deleted
    assert await _dialogues(wa) == 0  # the confirmation is gone: a later "да" deletes nothing
    await say(client, fake_twilio, "да")
    assert not (await _customer(wa)).is_deleted


@pytest.mark.parametrize("step_words", [["Привет"], ["Привет", "да"], ["Привет", "да", "01.02.1990"]])
async def test_stop_in_any_sign_up_step_ends_it_storing_nothing(wa, client, fake_twilio, step_words):
    for text in step_words:
        await say(client, fake_twilio, text)
    assert await _dialogues(wa) == 1
    await say(client, fake_twilio, "стоп")
    assert await _dialogues(wa) == 0
    assert await _customer(wa) is None


async def test_nul_and_control_characters_in_the_text_and_the_name_do_not_break_sign_up(
    wa, client, fake_twilio
):
    assert "согласие" in await say(client, fake_twilio, "Привет\x00")
    await say(client, fake_twilio, "да\x00")
    await say(client, fake_twilio, "\x00пропустить")
    welcome = await say(client, fake_twilio, "нет", ProfileName="Ива\x00н\x07 \n Петров\u0085\ue000")
    assert "Добро пожаловать" in welcome
    customer = await _customer(wa)
    assert customer.name == "Иван Петров" and not customer.marketing_opt_in


async def test_a_name_of_only_odd_characters_registers_without_a_name(wa, client, fake_twilio):
    name = "\x00\x01\u200b" + "\U0010fffd" * 300
    await say(client, fake_twilio, "Hi")
    await say(client, fake_twilio, "yes")
    await say(client, fake_twilio, "skip")
    assert "Welcome" in await say(client, fake_twilio, "no", ProfileName=name)
    customer = await _customer(wa)
    assert customer is not None and customer.name is None


@pytest.mark.parametrize(
    ("wa_id", "phone"),
    [("5215512345678", "+525512345678"), ("551187654321", "+5511987654321")],
)
async def test_mexican_and_old_brazilian_whatsapp_ids_register_with_their_current_number(
    wa, client, fake_twilio, wa_id, phone
):
    assert "Welcome" in await register(client, fake_twilio, wa_id, locale="en")
    customer = await _customer(wa, phone)
    assert customer is not None
    async with wa.uow() as uow:
        identities = await uow.identities.of_customer(customer.id)
    assert [i.external_id for i in identities] == [wa_id]  # replies still go to the id WhatsApp uses


@pytest.mark.parametrize("code", ["99999999999999999999999", "٣٠٠٠", "-1", "63016x", "\x00"])
async def test_a_status_callback_with_an_unreadable_error_code_records_it_as_unknown(wa, client, code):
    form = {
        "MessageSid": "SM" + "a" * 32,
        "MessageStatus": "undelivered",
        "AccountSid": ACCOUNT_SID,
        "ErrorCode": code,
    }
    response = await post_signed(client, "/whatsapp/status", form)
    assert response.status_code == 200 and response.json() == {"status": "recorded"}
    async with wa.engine.connect() as conn:
        row = (await conn.execute(sa.text("SELECT status, error_code FROM whatsapp_message_statuses"))).one()
    assert tuple(row) == ("undelivered", None)


@pytest.mark.parametrize("sid", ["", "SM\x00abc", "S" * 65])
async def test_a_status_callback_without_a_usable_message_sid_is_refused(wa, client, sid):
    form = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID}
    response = await post_signed(client, "/whatsapp/status", form)
    assert response.status_code == 422
    assert await _dialogues(wa) == 0
