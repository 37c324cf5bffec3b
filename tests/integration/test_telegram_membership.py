"""Blocking and unblocking the bot (`my_chat_member`) through the real dispatcher, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.customers import Channel, ChannelIdentity
from domain.delivery import MessageSender
from domain.outbox import OutboxMessage, OutboxStatus
from domain.services.privacy import delete_customer
from tests.fakes import RecordingSender
from tests.telegram_support import USER_ID, count, register, tg

__all__ = ["tg"]

PHONE = "+79161234567"


@pytest.fixture
async def member(tg):
    chat = tg.new_chat()
    await register(chat, phone=PHONE)
    return chat


async def _identity(tg, channel=Channel.TELEGRAM, external_id=str(USER_ID)) -> ChannelIdentity | None:
    async with tg.container.uow() as uow:
        return await uow.identities.get(channel, external_id)


async def _customer_id(tg) -> int:
    async with tg.container.uow() as uow:
        customer = await uow.customers.by_phone(PHONE)
    assert customer is not None and customer.id is not None
    return customer.id


async def _queue_and_deliver(tg, key: str, *senders: MessageSender) -> OutboxMessage:
    customer_id = await _customer_id(tg)
    async with tg.container.uow() as uow:
        context = {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Бронза"}
        queued = await uow.outbox.add(OutboxMessage(customer_id, "welcome", context, key, tg.clock.now()))
        await uow.commit()
    delivery = tg.container.delivery({s.channel: s for s in senders})
    await delivery.deliver_due()
    async with tg.container.uow() as uow:
        stored = await uow.outbox.get(queued.id)
    assert stored is not None
    return stored


async def test_a_block_marks_the_identity_unreachable_at_once_and_the_bot_says_nothing(tg, member):
    before = await _identity(tg)
    tg.clock.advance(timedelta(hours=1))  # past the middleware's refresh interval
    assert await member.block() == []
    after = await _identity(tg)
    assert after.unreachable_at == tg.clock.now()
    assert after.last_inbound_at == before.last_inbound_at  # a block is not the customer writing


async def test_after_a_block_the_next_message_is_not_sent_to_telegram(tg, member):
    await member.block()
    telegram = RecordingSender(Channel.TELEGRAM)
    stored = await _queue_and_deliver(tg, "after-block", telegram)
    assert telegram.sent == []
    assert stored.status is OutboxStatus.SKIPPED and stored.error == "no_reachable_channel"


async def test_after_a_block_the_next_message_goes_to_the_customers_other_channel(tg, member):
    async with tg.container.uow() as uow:
        whatsapp_id = f"whatsapp:{PHONE}"
        identity = ChannelIdentity(await _customer_id(tg), Channel.WHATSAPP, whatsapp_id, tg.clock.now())
        await uow.identities.add(identity)
        await uow.commit()
    tg.clock.advance(timedelta(minutes=1))
    await member.say("/balance")  # Telegram is now the channel they wrote from last
    await member.block()
    telegram, whatsapp = RecordingSender(Channel.TELEGRAM), RecordingSender(Channel.WHATSAPP)
    stored = await _queue_and_deliver(tg, "after-block", telegram, whatsapp)
    assert telegram.sent == [] and [to for to, _ in whatsapp.sent] == [whatsapp_id]
    assert stored.status is OutboxStatus.SENT and stored.channel == "whatsapp"


async def test_an_unblock_makes_the_identity_reachable_again(tg, member):
    await member.block()
    assert (await _identity(tg)).unreachable_at is not None
    tg.clock.advance(timedelta(days=1))
    assert await member.unblock() == []
    assert (await _identity(tg)).unreachable_at is None
    telegram = RecordingSender(Channel.TELEGRAM)
    stored = await _queue_and_deliver(tg, "after-unblock", telegram)
    assert stored.status is OutboxStatus.SENT and [to for to, _ in telegram.sent] == [str(USER_ID)]


async def test_a_repeated_block_keeps_the_first_time_and_a_needless_unblock_changes_nothing(tg, member):
    await member.unblock()
    assert (await _identity(tg)).unreachable_at is None
    await member.block()
    blocked_at = tg.clock.now()
    tg.clock.advance(timedelta(hours=2))
    await member.block()
    assert (await _identity(tg)).unreachable_at == blocked_at


async def test_a_block_or_unblock_from_a_stranger_changes_nothing(tg, member):
    stranger = tg.new_chat(user_id=777000)
    assert await stranger.block() == []
    assert await stranger.unblock() == []
    assert await count(tg.container, "channel_identities") == 1  # the member's, untouched
    assert await _identity(tg, external_id="777000") is None
    assert (await _identity(tg)).unreachable_at is None
    await member.block()  # while the member's own block is taken
    assert (await _identity(tg)).unreachable_at is not None


async def test_a_block_after_the_account_was_deleted_changes_nothing(tg, member):
    other = tg.new_chat(user_id=777000)
    await register(other, phone="+79167654321")
    async with tg.container.uow() as uow:
        await delete_customer(uow, await _customer_id(tg), tg.clock.now())
        await uow.commit()
    assert await member.block() == []
    assert await member.unblock() == []
    assert await _identity(tg) is None
    await other.block()  # while a live member's block is taken
    assert (await _identity(tg, external_id="777000")).unreachable_at is not None


OTHER_BOT = {"id": 9001, "is_bot": True, "first_name": "Other", "username": "other_bot"}
ODD_UPDATES = {
    "in a group": {"chat": {"id": -100123, "type": "group", "title": "Shop fans"}},
    "in a supergroup": {"chat": {"id": -100456, "type": "supergroup", "title": "Shop"}},
    "in a channel": {"chat": {"id": -100789, "type": "channel", "title": "News"}},
    "in someone else's chat": {"chat": {"id": 123456, "type": "private", "first_name": "Eve"}},
    "by a bot": {"from": OTHER_BOT},
    "about another bot": {"member_user": OTHER_BOT},
}


def _odd(chat, old: str, new: str, case: dict) -> dict:
    overrides = {k: v for k, v in case.items() if k != "member_user"}
    raw = chat.membership_update(old, new, **overrides)
    if "member_user" in case:
        for side in ("old_chat_member", "new_chat_member"):
            raw["my_chat_member"][side]["user"] = case["member_user"]
    return raw


@pytest.mark.parametrize("case", ODD_UPDATES.values(), ids=ODD_UPDATES.keys())
async def test_an_odd_block_changes_nothing(tg, member, case):
    assert await member.feed(_odd(member, "member", "kicked", case)) == []
    assert (await _identity(tg)).unreachable_at is None
    await member.block()  # while the genuine one is taken
    assert (await _identity(tg)).unreachable_at is not None


@pytest.mark.parametrize("case", ODD_UPDATES.values(), ids=ODD_UPDATES.keys())
async def test_an_odd_unblock_changes_nothing(tg, member, case):
    await member.block()
    assert await member.feed(_odd(member, "kicked", "member", case)) == []
    assert (await _identity(tg)).unreachable_at is not None


@pytest.mark.parametrize(("old", "new"), [("kicked", "kicked"), ("member", "member"), ("kicked", "left")])
async def test_a_transition_that_is_neither_a_block_nor_an_unblock_changes_nothing(tg, member, old, new):
    await member.block()
    await member.feed(member.membership_update(old, new))
    assert (await _identity(tg)).unreachable_at is not None


async def test_a_message_after_a_block_is_answered_and_makes_the_identity_reachable(tg, member):
    await member.block()
    assert (await _identity(tg)).unreachable_at is not None
    tg.clock.advance(timedelta(minutes=1))
    assert await member.say("/balance")
    assert (await _identity(tg)).unreachable_at is None


def test_the_dispatcher_asks_telegram_for_membership_changes(tg):
    used = tg.new_chat().dp.resolve_used_update_types()
    assert {"message", "callback_query", "my_chat_member"} <= set(used)
