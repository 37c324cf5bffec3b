"""Outbox delivery: channel choice, consent, retries, blocked customers, leases; on both databases."""

from __future__ import annotations

from datetime import timedelta

from domain.customers import Channel
from domain.delivery import Failed, RetryLater, Skipped, Unreachable
from domain.outbox import OutboxMessage, OutboxStatus
from messages import Renderer
from scheduler.delivery import LEASE, MAX_ATTEMPTS, Delivery
from tests.builders import registered
from tests.fakes import RecordingSender


async def _queue(uow_factory, cid, clock, key="k1", marketing=False, channel=None):
    async with uow_factory() as uow:
        message = await uow.outbox.add(
            OutboxMessage(
                cid,
                "welcome",
                {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Бронза"},
                key,
                clock.now(),
                marketing=marketing,
                channel=channel,
            )
        )
        await uow.commit()
    return message.id


def _delivery(uow_factory, senders, clock, rules, **kwargs):
    return Delivery(
        uow_factory, senders, Renderer(), clock, marketing=rules.marketing, timezone="Europe/Moscow", **kwargs
    )


async def _get(uow_factory, mid):
    async with uow_factory() as uow:
        return await uow.outbox.get(mid)


async def test_a_message_is_rendered_in_the_customers_language_for_their_channel(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now(), locale="en")).customer.id
    mid = await _queue(uow_factory, cid, clock)
    sender = RecordingSender(Channel.TELEGRAM)
    stats = await _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules).deliver_due()
    assert stats.sent == 1
    assert sender.sent[0][0] == "tg-+79161234567"
    assert "<b>Welcome to the loyalty program!</b>" in sender.sent[0][1]
    stored = await _get(uow_factory, mid)
    assert stored.status == OutboxStatus.SENT and stored.provider_message_id == "msg-1"
    assert (await _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules).deliver_due()).handled == 0


async def test_marketing_needs_consent_but_transactional_messages_do_not(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now(), marketing_opt_in=False)).customer.id
    promo = await _queue(uow_factory, cid, clock, key="promo", marketing=True)
    status = await _queue(uow_factory, cid, clock, key="status")
    sender = RecordingSender(Channel.TELEGRAM)
    await _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules).deliver_due()
    assert (await _get(uow_factory, promo)).status == OutboxStatus.SKIPPED
    assert (await _get(uow_factory, status)).status == OutboxStatus.SENT
    assert len(sender.sent) == 1


async def test_retry_after_is_honoured_and_a_blocked_bot_marks_the_identity(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    mid = await _queue(uow_factory, cid, clock)
    sender = RecordingSender(Channel.TELEGRAM, RetryLater(7, "429 Too Many Requests"), Unreachable("blocked"))
    delivery = _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules)
    assert (await delivery.deliver_due()).retried == 1
    assert (await _get(uow_factory, mid)).next_attempt_at == clock.now() + timedelta(seconds=7)
    assert (await delivery.deliver_due()).handled == 0  # not before retry_after
    clock.advance(timedelta(seconds=7))
    assert (await delivery.deliver_due()).failed == 1
    async with uow_factory() as uow:
        [identity] = await uow.identities.of_customer(cid)
    assert identity.unreachable_at == clock.now()
    await _queue(uow_factory, cid, clock, key="after-block")
    assert (await delivery.deliver_due()).skipped == 1  # no reachable channel left


async def test_transient_failures_back_off_then_give_up(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    mid = await _queue(uow_factory, cid, clock)
    sender = RecordingSender(Channel.TELEGRAM, *[Failed("502", retryable=True)] * MAX_ATTEMPTS)
    delivery = _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules)
    for _ in range(MAX_ATTEMPTS):
        await delivery.deliver_due()
        clock.advance(timedelta(hours=1))
    stored = await _get(uow_factory, mid)
    assert stored.status == OutboxStatus.FAILED and stored.attempts == MAX_ATTEMPTS and stored.error == "502"


async def test_a_skipped_send_is_recorded_with_its_reason(uow_factory, rules, clock):
    cid = (
        await registered(
            uow_factory(), rules, clock.now(), channel=Channel.WHATSAPP, external_id="79161234567"
        )
    ).customer.id
    mid = await _queue(uow_factory, cid, clock)
    sender = RecordingSender(Channel.WHATSAPP, Skipped("outside the 24-hour window, no template"))
    await _delivery(uow_factory, {Channel.WHATSAPP: sender}, clock, rules).deliver_due()
    stored = await _get(uow_factory, mid)
    assert stored.status == OutboxStatus.SKIPPED and "24-hour" in (stored.error or "")


async def test_a_leased_message_is_not_taken_by_a_second_worker(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    mid = await _queue(uow_factory, cid, clock)
    async with uow_factory() as uow:
        [claimed] = await uow.outbox.claim(clock.now(), 10, clock.now() + timedelta(minutes=5))
        await uow.commit()
    assert claimed.id == mid
    async with uow_factory() as uow:
        assert await uow.outbox.claim(clock.now(), 10, clock.now() + timedelta(minutes=5)) == []
    clock.advance(timedelta(minutes=5))  # the lease ran out: another worker may take the row
    async with uow_factory() as uow:
        assert [m.id for m in await uow.outbox.claim(clock.now(), 10, clock.now() + LEASE)] == [mid]


async def test_a_sensitive_message_forgets_its_context_once_delivered(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        message = await uow.outbox.add(
            OutboxMessage(
                cid,
                "welcome",
                {"bonus": 0, "bonus_expires_at": None, "balance": 123456, "tier_name": "X"},
                "secret-1",
                clock.now(),
                sensitive=True,
            )
        )
        await uow.commit()
    sender = RecordingSender(Channel.TELEGRAM)
    await _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules).deliver_due()
    assert "123" in sender.sent[0][1]
    stored = await _get(uow_factory, message.id)
    assert stored.status == OutboxStatus.SENT and stored.context == {} and stored.sensitive


async def test_a_message_that_cannot_be_rendered_fails_for_good_instead_of_coming_back_forever(
    uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        broken = await uow.outbox.add(OutboxMessage(cid, "welcome", {}, "broken", clock.now()))
        await uow.commit()
    sender = RecordingSender(Channel.TELEGRAM)
    for _ in range(MAX_ATTEMPTS + 2):
        await _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules).deliver_due()
        clock.advance(LEASE + timedelta(hours=1))
    stored = await _get(uow_factory, broken.id)
    assert stored.status == OutboxStatus.FAILED and stored.attempts == MAX_ATTEMPTS
    assert "cannot deliver" in (stored.error or "") and sender.sent == []
