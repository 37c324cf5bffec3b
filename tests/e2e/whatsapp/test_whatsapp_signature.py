"""X-Twilio-Signature on both routes: checked with twilio's RequestValidator over PUBLIC_BASE_URL."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import channel_identities, customers, processed_events
from store.tables_whatsapp import whatsapp_dialogues, whatsapp_message_statuses
from tests.e2e.conftest import running
from tests.e2e.whatsapp.conftest import PUBLIC, inbound_form, post_signed, say, sign, whatsapp_settings

WEBHOOK = "/whatsapp/webhook"


async def _nothing_stored(container) -> None:
    async with container.engine.connect() as conn:
        for table in (
            whatsapp_dialogues,
            processed_events,
            customers,
            channel_identities,
            whatsapp_message_statuses,
        ):
            assert (await conn.scalar(sa.select(sa.func.count()).select_from(table))) == 0, table.name


async def test_a_validly_signed_message_is_answered(wa, client, fake_twilio):
    reply = await say(client, fake_twilio, "Привет")
    assert "согласие на обработку персональных данных" in reply
    async with wa.engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(whatsapp_dialogues)) == 1


async def test_a_signature_made_with_another_auth_token_is_refused(wa, client, fake_twilio):
    form = inbound_form("Привет")
    response = await post_signed(client, WEBHOOK, form, token="someone-elses-token")
    assert response.status_code == 403
    assert fake_twilio.sent == []
    await _nothing_stored(wa)


async def test_a_tampered_parameter_is_refused(wa, client, fake_twilio):
    form = inbound_form("Привет")
    signature = sign(WEBHOOK, form)
    form["Body"] = "удалить"
    response = await client.post(WEBHOOK, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert fake_twilio.sent == []
    await _nothing_stored(wa)


async def test_an_added_parameter_is_refused(wa, client, fake_twilio):
    form = inbound_form("Привет")
    signature = sign(WEBHOOK, form)
    response = await client.post(
        WEBHOOK, data={**form, "Extra": "1"}, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403
    await _nothing_stored(wa)


async def test_a_signature_over_another_url_is_refused(wa, client, fake_twilio):
    form = inbound_form("Привет")
    for base in ("https://evil.example.com", "http://testserver", PUBLIC + "/prefix"):
        response = await post_signed(client, WEBHOOK, form, base=base)
        assert response.status_code == 403, base
    await _nothing_stored(wa)


async def test_a_wrong_public_base_url_setting_refuses_twilios_real_signature(make_container, fake_twilio):
    container = await make_container(
        **whatsapp_settings(fake_twilio, public_base_url="https://old.example.com")
    )
    async with running(container) as http:
        response = await post_signed(http, WEBHOOK, inbound_form("Привет"))  # signed for PUBLIC
        assert response.status_code == 403
    await _nothing_stored(container)


async def test_the_query_string_is_part_of_the_signed_url(wa, client, fake_twilio):
    form = inbound_form("Привет")
    path = WEBHOOK + "?shop=1"
    signature = sign(path, form)
    assert (await client.post(path, data=form, headers={"X-Twilio-Signature": signature})).status_code == 200
    unsigned_query = await client.post(
        WEBHOOK + "?shop=2", data=inbound_form("Привет"), headers={"X-Twilio-Signature": signature}
    )
    assert unsigned_query.status_code == 403


async def test_a_missing_or_empty_signature_is_refused(wa, client, fake_twilio):
    form = inbound_form("Привет")
    assert (await client.post(WEBHOOK, data=form)).status_code == 403
    assert (await client.post(WEBHOOK, data=form, headers={"X-Twilio-Signature": ""})).status_code == 403
    await _nothing_stored(wa)


async def test_the_status_callback_is_signed_too(wa, client, fake_twilio):
    form = {
        "MessageSid": "SM" + "1" * 32,
        "MessageStatus": "delivered",
        "AccountSid": inbound_form("")["AccountSid"],
    }
    assert (await post_signed(client, "/whatsapp/status", form, token="wrong")).status_code == 403
    assert (await client.post("/whatsapp/status", data=form)).status_code == 403
    await _nothing_stored(wa)
    ok = await post_signed(client, "/whatsapp/status", form)
    assert ok.status_code == 200 and ok.json() == {"status": "recorded"}


async def test_another_twilio_account_is_refused_even_when_signed(wa, client, fake_twilio):
    form = inbound_form("Привет", AccountSid="AC" + "f" * 32)
    assert (await post_signed(client, WEBHOOK, form)).status_code == 403
    await _nothing_stored(wa)


async def test_an_oversized_request_is_refused_before_reading(wa, client, fake_twilio):
    form = inbound_form("x" * 70_000)
    assert (await post_signed(client, WEBHOOK, form)).status_code == 413
    await _nothing_stored(wa)


async def test_a_signed_request_without_a_sender_is_a_bad_request(wa, client, fake_twilio):
    form = {"MessageSid": "SM" + "2" * 32, "Body": "hi", "AccountSid": inbound_form("")["AccountSid"]}
    assert (await post_signed(client, WEBHOOK, form)).status_code == 400
    await _nothing_stored(wa)


async def test_whatsapp_off_means_404(make_container):
    container = await make_container()
    async with running(container) as http:
        form = inbound_form("Привет")
        assert (await post_signed(http, WEBHOOK, form)).status_code == 404
        assert (await post_signed(http, "/whatsapp/status", form)).status_code == 404
