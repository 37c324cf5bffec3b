"""Blocking and unblocking a channel: the use cases, with fakes."""

from __future__ import annotations

from datetime import timedelta

from domain.customers import Channel
from domain.events import ChannelBlocked, ChannelUnblocked
from domain.services.reachability import note_blocked, note_unblocked
from tests.builders import registered
from tests.fakes import FakeUnitOfWork

TG = "tg-+79161234567"  # the builder's Telegram identity


async def _identity(uow: FakeUnitOfWork):
    async with uow:
        return await uow.identities.get(Channel.TELEGRAM, TG)


async def test_a_block_records_the_event_and_marks_the_identity_without_a_message(rules, clock):
    uow = FakeUnitOfWork()
    cid = (await registered(uow, rules, clock.now())).customer.id
    outbox_before = dict(uow.store.outbox)
    async with uow:
        event = await note_blocked(uow, Channel.TELEGRAM, TG, clock.now())
        await uow.commit()
    assert event == ChannelBlocked(at=clock.now(), customer_id=cid, channel=Channel.TELEGRAM)
    assert (await _identity(uow)).unreachable_at == clock.now()
    assert uow.store.outbox == outbox_before  # a blocked bot cannot write


async def test_blocks_and_unblocks_are_idempotent(rules, clock):
    uow = FakeUnitOfWork()
    cid = (await registered(uow, rules, clock.now())).customer.id
    async with uow:
        assert await note_unblocked(uow, Channel.TELEGRAM, TG, clock.now()) is None
        assert await note_blocked(uow, Channel.TELEGRAM, TG, clock.now()) is not None
        assert await note_blocked(uow, Channel.TELEGRAM, TG, clock.now() + timedelta(hours=1)) is None
        unblocked = await note_unblocked(uow, Channel.TELEGRAM, TG, clock.now() + timedelta(hours=2))
        assert await note_unblocked(uow, Channel.TELEGRAM, TG, clock.now() + timedelta(hours=3)) is None
        await uow.commit()
    assert unblocked == ChannelUnblocked(
        at=clock.now() + timedelta(hours=2), customer_id=cid, channel=Channel.TELEGRAM
    )
    assert (await _identity(uow)).unreachable_at is None


async def test_a_stranger_or_a_deleted_account_changes_nothing(rules, clock):
    uow = FakeUnitOfWork()
    customer = (await registered(uow, rules, clock.now())).customer
    async with uow:
        assert await note_blocked(uow, Channel.TELEGRAM, "tg-nobody", clock.now()) is None
        assert await note_blocked(uow, Channel.WHATSAPP, TG, clock.now()) is None
        # deleted, with its identity still there (as in the instant between the two writes)
        customer.deleted_at = clock.now()
        await uow.customers.update(customer)
        assert await note_blocked(uow, Channel.TELEGRAM, TG, clock.now()) is None
        await uow.commit()
    assert (await _identity(uow)).unreachable_at is None


async def test_reports_arriving_out_of_order_never_undo_a_newer_change(rules, clock):
    uow = FakeUnitOfWork()
    await registered(uow, rules, clock.now() - timedelta(days=1))
    t0 = clock.now()
    async with uow:
        # blocked at t0, unblocked at t0+2; the unblock's report comes first
        assert await note_unblocked(uow, Channel.TELEGRAM, TG, t0 + timedelta(minutes=2)) is None
        assert await note_blocked(uow, Channel.TELEGRAM, TG, t0) is None  # late: ignored
        await uow.commit()
    assert (await _identity(uow)).unreachable_at is None
    async with uow:
        assert await note_blocked(uow, Channel.TELEGRAM, TG, t0 + timedelta(minutes=5)) is not None
        assert await note_unblocked(uow, Channel.TELEGRAM, TG, t0 + timedelta(minutes=4)) is None  # late
        await uow.commit()
    assert (await _identity(uow)).unreachable_at == t0 + timedelta(minutes=5)


async def test_an_unblock_older_than_a_refused_send_and_a_block_older_than_a_message_change_nothing(
    rules, clock
):
    uow = FakeUnitOfWork()
    await registered(uow, rules, clock.now())
    async with uow:
        # the customer wrote at clock.now() (registration): a block dated before that is stale
        assert await note_blocked(uow, Channel.TELEGRAM, TG, clock.now() - timedelta(seconds=1)) is None
        identity = await uow.identities.get(Channel.TELEGRAM, TG)
        identity.unreachable_at = clock.now() + timedelta(minutes=10)  # a send answered 403 then
        await uow.identities.update(identity)
        assert await note_unblocked(uow, Channel.TELEGRAM, TG, clock.now() + timedelta(minutes=5)) is None
        await uow.commit()
    assert (await _identity(uow)).unreachable_at == clock.now() + timedelta(minutes=10)


async def test_a_report_in_the_same_second_as_our_own_note_still_counts(rules, clock):
    """Telegram's dates are whole seconds; a block a moment after a message we noted at 07:00:00.4
    carries 07:00:00, and must not be taken for an older report."""
    uow = FakeUnitOfWork()
    clock.set(clock.now() + timedelta(milliseconds=400))
    await registered(uow, rules, clock.now())  # its last message: 07:00:00.4
    same_second = clock.now().replace(microsecond=0)
    async with uow:
        assert await note_blocked(uow, Channel.TELEGRAM, TG, same_second) is not None
        await uow.commit()
