"""Twilio's status callbacks: the stage of each message, failures onto the outbox row."""

from __future__ import annotations

import sqlalchemy as sa

from domain.outbox import OutboxMessage, OutboxStatus
from store.tables_whatsapp import whatsapp_message_statuses
from tests.e2e.whatsapp.conftest import ACCOUNT_SID, PHONE, WA_ID, post_signed, register

CONTEXT = {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Бронза"}


async def _sent_message(container, http, fake):
    await register(http, fake)
    async with container.uow() as uow:
        customer = await uow.customers.by_phone(PHONE)
        message = await uow.outbox.add(
            OutboxMessage(customer.id, "welcome", CONTEXT, "k", container.clock.now())
        )
        await uow.commit()
    await container.delivery().deliver_due()
    async with container.uow() as uow:
        stored = await uow.outbox.get(message.id)
    assert stored.status == OutboxStatus.SENT
    return customer, stored


async def _callback(http, sid, status, code=None):
    form = {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "AccountSid": ACCOUNT_SID,
        "From": "whatsapp:+14155238886",
        "To": f"whatsapp:+{WA_ID}",
        "ApiVersion": "2010-04-01",
    }
    if code is not None:
        form["ErrorCode"] = str(code)
    response = await post_signed(http, "/whatsapp/status", form)
    assert response.status_code == 200, response.text
    return response.json()["status"]


async def _status_row(container, sid):
    async with container.engine.connect() as conn:
        row = (
            await conn.execute(
                sa.select(whatsapp_message_statuses).where(whatsapp_message_statuses.c.message_sid == sid)
            )
        ).first()
    return (row.status, row.error_code) if row else None


async def test_an_undelivered_message_marks_its_outbox_row_failed_with_twilios_code(wa, client, fake_twilio):
    _, message = await _sent_message(wa, client, fake_twilio)
    assert await _callback(client, message.provider_message_id, "sent") == "recorded"
    assert await _callback(client, message.provider_message_id, "undelivered", 30008) == "recorded"
    async with wa.uow() as uow:
        stored = await uow.outbox.get(message.id)
    assert stored.status == OutboxStatus.FAILED and stored.error == "twilio 30008"
    assert await _status_row(wa, message.provider_message_id) == ("undelivered", 30008)


async def test_delivered_and_read_are_recorded_and_a_late_earlier_stage_does_not_undo_them(
    wa, client, fake_twilio
):
    _, message = await _sent_message(wa, client, fake_twilio)
    sid = message.provider_message_id
    assert await _callback(client, sid, "delivered") == "recorded"
    assert await _callback(client, sid, "read") == "recorded"
    assert await _callback(client, sid, "sent") == "stale"
    assert await _status_row(wa, sid) == ("read", None)
    async with wa.uow() as uow:
        assert (await uow.outbox.get(message.id)).status == OutboxStatus.SENT


async def test_a_failure_for_a_blocked_number_marks_the_identity_unreachable(wa, client, fake_twilio, clock):
    customer, message = await _sent_message(wa, client, fake_twilio)
    await _callback(client, message.provider_message_id, "failed", 63024)
    async with wa.uow() as uow:
        [identity] = await uow.identities.of_customer(customer.id)
        assert (await uow.outbox.get(message.id)).error == "twilio 63024"
    assert identity.unreachable_at == clock.now()


async def test_a_status_of_a_reply_is_recorded_without_an_outbox_row(wa, client, fake_twilio):
    await register(client, fake_twilio)
    reply_sid = f"SM{1:032x}"  # the fake's first SID: the consent question
    assert await _callback(client, reply_sid, "delivered") == "recorded"
    assert await _status_row(wa, reply_sid) == ("delivered", None)


async def test_a_callback_without_a_sid_or_status_is_refused(wa, client, fake_twilio):
    form = {"MessageSid": "SM" + "3" * 32, "AccountSid": ACCOUNT_SID}
    assert (await post_signed(client, "/whatsapp/status", form)).status_code == 422
    async with wa.engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(whatsapp_message_statuses)) == 0
