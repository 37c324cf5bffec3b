"""Outbox deliveries through the real sender and Twilio client: the 24-hour window and Twilio's errors."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from datetime import timedelta

from app.bootstrap import whatsapp_channel
from domain.customers import Channel
from domain.outbox import OutboxMessage, OutboxStatus
from tests.e2e.conftest import running
from tests.e2e.whatsapp.conftest import PHONE, PUBLIC, WA_ID, register, runtime_of, say, whatsapp_settings

TEMPLATE_SID = "HX" + "0123456789abcdef" * 2
CONTEXT = {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Бронза"}


async def _member_and_message(container, http, fake, key="k1", context=None):
    await register(http, fake)
    async with container.uow() as uow:
        customer = await uow.customers.by_phone(PHONE)
        message = await uow.outbox.add(
            OutboxMessage(customer.id, "welcome", context or CONTEXT, key, container.clock.now())
        )
        await uow.commit()
    return customer, message.id


async def _deliver(container):
    return await container.delivery().deliver_due()


async def _stored(container, message_id):
    async with container.uow() as uow:
        return await uow.outbox.get(message_id)


async def test_inside_the_window_the_message_goes_as_free_form_text(wa, client, fake_twilio):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    before = len(fake_twilio.sent)
    assert (await _deliver(wa)).sent == 1
    [sent] = fake_twilio.sent[before:]
    assert sent["To"] == f"whatsapp:+{WA_ID}" and sent["From"] == "whatsapp:+14155238886"
    assert sent["Body"].startswith("*Добро пожаловать в программу лояльности!*")
    assert sent["StatusCallback"] == PUBLIC + "/whatsapp/status"
    assert "ContentSid" not in sent
    stored = await _stored(wa, mid)
    assert stored.status == OutboxStatus.SENT and stored.provider_message_id.startswith("SM")


async def test_outside_the_window_an_approved_template_is_sent_instead(make_container, fake_twilio, clock):
    templates = {"welcome": {"sid": TEMPLATE_SID, "variables": ["balance", "tier_name"]}}
    container = await make_container(**whatsapp_settings(fake_twilio, twilio_content_templates=templates))
    async with running(container) as http:
        _, mid = await _member_and_message(container, http, fake_twilio)
    clock.advance(timedelta(hours=24, seconds=1))
    before = len(fake_twilio.sent)
    assert (await _deliver(container)).sent == 1
    [sent] = fake_twilio.sent[before:]
    assert sent["ContentSid"] == TEMPLATE_SID and "Body" not in sent
    assert json.loads(sent["ContentVariables"]) == {"1": "200", "2": "Бронза"}
    assert (await _stored(container, mid)).status == OutboxStatus.SENT
    await runtime_of(container).stop()


async def test_outside_the_window_without_a_template_nothing_is_sent(wa, client, fake_twilio, clock):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    clock.advance(timedelta(hours=25))
    before = len(fake_twilio.sent)
    assert (await _deliver(wa)).skipped == 1
    assert len(fake_twilio.sent) == before
    stored = await _stored(wa, mid)
    assert stored.status == OutboxStatus.SKIPPED
    assert stored.error == "outside_24h_window: no approved template for 'welcome'"


async def test_a_template_whose_variable_is_missing_from_the_message_fails_without_sending(
    make_container, fake_twilio, clock
):
    templates = {"welcome": {"sid": TEMPLATE_SID, "variables": ["order_id"]}}
    container = await make_container(**whatsapp_settings(fake_twilio, twilio_content_templates=templates))
    async with running(container) as http:
        _, mid = await _member_and_message(container, http, fake_twilio)
    clock.advance(timedelta(days=2))
    before = len(fake_twilio.sent)
    assert (await _deliver(container)).failed == 1
    assert len(fake_twilio.sent) == before
    assert "needs context key 'order_id'" in (await _stored(container, mid)).error
    await runtime_of(container).stop()


async def test_429_waits_for_retry_after_then_sends(wa, client, fake_twilio, clock):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    fake_twilio.answer(
        429, {"code": 20429, "message": "Too Many Requests", "status": 429}, {"Retry-After": "7"}
    )
    assert (await _deliver(wa)).retried == 1
    stored = await _stored(wa, mid)
    assert stored.status == OutboxStatus.PENDING and stored.next_attempt_at == clock.now() + timedelta(
        seconds=7
    )
    assert "429" in stored.error
    assert (await _deliver(wa)).handled == 0
    clock.advance(timedelta(seconds=7))
    assert (await _deliver(wa)).sent == 1


async def test_a_server_error_is_retried_with_backoff(wa, client, fake_twilio, clock):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    fake_twilio.answer(503, {"code": 20503, "message": "Service Unavailable", "status": 503})
    assert (await _deliver(wa)).retried == 1
    stored = await _stored(wa, mid)
    assert stored.status == OutboxStatus.PENDING and "20503" in stored.error
    clock.advance(timedelta(minutes=1))
    assert (await _deliver(wa)).sent == 1


async def test_twilio_saying_outside_the_window_skips_the_message(wa, client, fake_twilio):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    fake_twilio.answer(400, {"code": 63016, "message": "Failed to send freeform message", "status": 400})
    assert (await _deliver(wa)).skipped == 1
    stored = await _stored(wa, mid)
    assert stored.status == OutboxStatus.SKIPPED and "63016" in stored.error


async def test_an_unsubscribed_recipient_marks_the_identity_unreachable(wa, client, fake_twilio, clock):
    customer, mid = await _member_and_message(wa, client, fake_twilio)
    fake_twilio.answer(
        400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}
    )
    assert (await _deliver(wa)).failed == 1
    async with wa.uow() as uow:
        [identity] = await uow.identities.of_customer(customer.id)
    assert identity.unreachable_at == clock.now()
    assert (await _stored(wa, mid)).status == OutboxStatus.FAILED


async def test_twilios_text_quoting_the_number_never_reaches_the_outbox_or_the_log(
    wa, client, fake_twilio, caplog
):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    text = "The 'To' number whatsapp:+79161234567 is not a valid phone number."
    fake_twilio.answer(400, {"code": 21211, "message": text, "status": 400})
    with caplog.at_level("DEBUG"):
        assert (await _deliver(wa)).failed == 1
    stored = await _stored(wa, mid)
    assert stored.error == "twilio 21211"  # the code explains it; the text named the customer
    assert "9161234567" not in caplog.text


async def test_another_client_error_is_final(wa, client, fake_twilio):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    fake_twilio.answer(
        400, {"code": 21617, "message": "The concatenated message body exceeds", "status": 400}
    )
    assert (await _deliver(wa)).failed == 1
    stored = await _stored(wa, mid)
    assert stored.status == OutboxStatus.FAILED and stored.error.startswith("twilio 21617")


async def test_a_network_failure_is_retried(wa, client, fake_twilio, make_container):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens there once closed
    unreachable = await make_container(**whatsapp_settings(fake_twilio, twilio_api_base_url=dead))
    assert (await _deliver(unreachable)).retried == 1
    stored = await _stored(wa, mid)
    assert stored.status == OutboxStatus.PENDING and stored.error.startswith("network:")
    await runtime_of(unreachable).stop()


async def test_long_texts_are_split_under_the_limit_on_line_boundaries(wa, client, fake_twilio):
    lines = [f"Строка номер {n}: " + "слово " * 20 for n in range(60)]
    text = "\n".join(line.strip() for line in lines)
    assert len(text) > 3 * 1600
    before = len(fake_twilio.sent)
    result = await runtime_of(wa).whatsapp.send_text(WA_ID, text)
    parts = [m["Body"] for m in fake_twilio.sent[before:]]
    assert len(parts) >= 4 and all(len(p) <= 1600 for p in parts)
    assert "\n".join(parts) == text
    assert result.provider_message_id.startswith("SM")  # the first part's SID


async def test_an_unreadable_answer_is_final_so_the_message_is_never_sent_twice(wa, client, fake_twilio):
    _, mid = await _member_and_message(wa, client, fake_twilio)
    fake_twilio.answer(201, "<html>proxy says hi</html>")
    assert (await _deliver(wa)).failed == 1
    stored = await _stored(wa, mid)
    assert stored.status == OutboxStatus.FAILED and "unreadable answer" in stored.error


async def test_a_reply_waits_out_a_short_429_and_is_still_delivered(wa, client, fake_twilio):
    fake_twilio.answer(
        429, {"code": 20429, "message": "Too Many Requests", "status": 429}, {"Retry-After": "0"}
    )
    reply = await say(client, fake_twilio, "Привет")
    # the intro refused once and sent again, then the consent as its own message
    assert len(fake_twilio.sent) == 3 and fake_twilio.sent[0] == fake_twilio.sent[1]
    assert "согласие на обработку" in reply


async def test_sending_is_held_to_twilios_80_messages_a_second(wa, fake_twilio):
    sender = runtime_of(wa).whatsapp
    started = time.perf_counter()
    results = await asyncio.gather(*(sender.send_text(WA_ID, f"message {n}") for n in range(60)))
    elapsed = time.perf_counter() - started
    assert all(r.provider_message_id for r in results) and len(fake_twilio.sent) == 60
    assert elapsed >= 0.6  # a burst of 8, then 52 more at 80/s


async def test_the_channel_is_off_without_settings_and_building_it_connects_nothing(
    make_container, fake_twilio
):
    assert whatsapp_channel(await make_container()) is None
    container = await make_container(**whatsapp_settings(fake_twilio))
    runtime = runtime_of(container)
    assert runtime.http.session is None and fake_twilio.sent == []
    assert container.senders[Channel.WHATSAPP] is runtime.whatsapp
    await runtime.start()
    await runtime.stop()
    assert runtime.http.session is None
