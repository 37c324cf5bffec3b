"""The ledger through the SQL store, on real SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from domain.errors import AlreadyReversed, InsufficientPoints, PhoneAlreadyRegistered
from domain.ledger import EntryKind
from domain.outbox import OutboxMessage
from domain.services.points import earn_points, expire_lot, reverse_entry, spend_points
from store.tables import customers
from tests.builders import registered, registration


async def test_earn_spend_reverse_expire_keep_the_stored_balance_equal_to_the_entries(
    uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        soon = await earn_points(
            uow,
            customer_id=cid,
            points=100,
            kind=EntryKind.EARN,
            source_key="r1",
            now=clock.now(),
            expires_in_days=10,
        )
        spend = await spend_points(uow, customer_id=cid, points=250, source_key="s1", now=clock.now())
        await uow.commit()
    assert spend.balance == 50
    assert {a.lot_id for a in spend.allocations} >= {soon.entry.id}
    async with uow_factory() as uow:
        back = await reverse_entry(uow, entry_id=spend.entry.id, source_key="rev-s1", now=clock.now())
        await uow.commit()
    assert back.balance == 300
    async with uow_factory() as uow:
        expired = await expire_lot(uow, lot_id=soon.entry.id, now=clock.now() + timedelta(days=11))
        await uow.commit()
    assert expired is not None and expired.balance == 200
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(cid) == await uow.ledger.sum_of_entries(cid) == 200
        history = await uow.ledger.history(cid)
    assert [e.kind for e in history] == [
        EntryKind.EXPIRE,
        EntryKind.REVERSAL,
        EntryKind.SPEND,
        EntryKind.EARN,
        EntryKind.WELCOME,
    ]


async def test_a_refused_spend_leaves_nothing_behind(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    with pytest.raises(InsufficientPoints):
        async with uow_factory() as uow:
            await spend_points(uow, customer_id=cid, points=201, source_key="too-much", now=clock.now())
            await uow.commit()
    async with uow_factory() as uow:
        assert await uow.ledger.by_source_key("too-much") is None
        assert await uow.ledger.balance_of(cid) == 200


async def test_the_database_itself_refuses_a_negative_balance(engine, uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(sa.update(customers).where(customers.c.id == cid).values(points_balance=-1))


async def test_the_database_refuses_a_second_reversal_of_one_entry(uow_factory, rules, clock):
    result = await registered(uow_factory(), rules, clock.now())
    assert result.welcome is not None
    async with uow_factory() as uow:
        await reverse_entry(uow, entry_id=result.welcome.entry.id, source_key="rev-1", now=clock.now())
        await uow.commit()
    with pytest.raises(AlreadyReversed):
        async with uow_factory() as uow:
            await reverse_entry(uow, entry_id=result.welcome.entry.id, source_key="rev-2", now=clock.now())


async def test_a_duplicate_phone_is_refused_by_the_store(uow_factory, rules, clock):
    await registered(uow_factory(), rules, clock.now())
    async with uow_factory() as uow:
        with pytest.raises(PhoneAlreadyRegistered):
            customer = await uow.customers.by_phone("+79161234567")
            assert customer is not None
            customer.id, customer.referral_code = None, None
            await uow.customers.add(customer)


async def test_a_known_phone_through_a_second_channel_is_one_customer(uow_factory, rules, clock):
    from domain.customers import Channel

    first = await registered(
        uow_factory(), rules, clock.now(), channel=Channel.WHATSAPP, external_id="79161234567"
    )
    second = await registered(uow_factory(), rules, clock.now(), channel=Channel.TELEGRAM, external_id="777")
    assert second.joined_existing and second.customer.id == first.customer.id
    async with uow_factory() as uow:
        assert len(await uow.identities.of_customer(first.customer.id)) == 2


async def test_processed_events_job_runs_and_outbox_keys_are_claimed_once(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        assert await uow.events.claim("msg_1", "repairs", clock.now()) is True
        assert await uow.events.claim("msg_1", "repairs", clock.now()) is False
        assert await uow.jobs.claim("birthday_bonuses", "2026-11-22", clock.now()) is True
        assert await uow.jobs.claim("birthday_bonuses", "2026-11-22", clock.now()) is False
        first = await uow.outbox.add(OutboxMessage(cid, "welcome", {"balance": 1}, "k1", clock.now()))
        again = await uow.outbox.add(OutboxMessage(cid, "welcome", {"balance": 2}, "k1", clock.now()))
        await uow.commit()
    assert first.id is not None and first.id == again.id


async def test_registration_rolls_back_entirely_when_not_committed(uow_factory, rules, clock):
    from domain.services.registration import register_customer

    async with uow_factory() as uow:
        await register_customer(uow, rules, registration(), clock.now())
    async with uow_factory() as uow:
        assert await uow.customers.by_phone("+79161234567") is None
