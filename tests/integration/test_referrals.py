"""Referral rewards against the real store (SQLite and PostgreSQL): every path that could be gamed."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from domain.ledger import EntryKind
from domain.reactions import ProgramReactions
from domain.referrals import ReferralStatus, RefusalReason
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairItem, RepairStatus
from domain.services.privacy import delete_customer
from domain.services.repairs import record_repair_event
from store.engine import session_factory
from store.tables import ledger_entries, outbox
from store.tables_referrals import phone_marks
from store.uow import SqlUnitOfWork
from tests.builders import registered
from tests.conftest import NOW

REFERRER, FRIEND = "+79160000001", "+79160000002"


def _event(
    event_id: str, order_id: str, phone: str = FRIEND, *, amount: int = 1_000_000, **kw
) -> RecordRepairEvent:
    values = dict(
        event_id=event_id,
        type=RepairEventType.COMPLETED,
        order_id=order_id,
        phone=phone,
        status=RepairStatus.COMPLETED,
        device_category=DeviceCategory.PHONE,
        occurred_at=NOW,
        amount_minor=amount,
        items=(RepairItem("Экран", "repair", amount),),
    )
    values.update(kw)
    return RecordRepairEvent(**values)  # type: ignore[arg-type]


def _cancel(event: RecordRepairEvent, event_id: str) -> RecordRepairEvent:
    return dataclasses.replace(
        event, event_id=event_id, type=RepairEventType.CANCELLED, status=RepairStatus.CANCELLED
    )


async def _record(uow_factory, rules, event, now=NOW):
    async with uow_factory() as uow:
        outcome = await record_repair_event(uow, rules, event, now)
        await uow.commit()
        return outcome


async def _pair(uow_factory, rules, at=NOW, friend=FRIEND, referrer_phone=REFERRER):
    referrer = (await registered(uow_factory(), rules, at, referrer_phone)).customer
    friend_result = await registered(uow_factory(), rules, at, friend, referral_code=referrer.referral_code)
    return referrer.id, friend_result.customer.id


async def _referral(uow_factory, friend_id):
    async with uow_factory() as uow:
        return await uow.referrals.of_friend(friend_id)


async def _entries(engine, customer_id, kind: EntryKind) -> list[tuple[int, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(ledger_entries.c.points, ledger_entries.c.source_key)
            .where(ledger_entries.c.customer_id == customer_id, ledger_entries.c.kind == kind.value)
            .order_by(ledger_entries.c.id)
        )
        return [tuple(r) for r in rows]


async def _messages(engine, template: str) -> list[tuple[int, dict]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.customer_id, outbox.c.context).where(outbox.c.template == template)
        )
        return [(r[0], r[1]) for r in rows]


async def test_the_friend_gets_a_bonus_at_registration_and_the_referral_waits(uow_factory, rules, engine):
    _, friend = await _pair(uow_factory, rules)
    assert await _entries(engine, friend, EntryKind.REFERRAL) == [(300, f"referral_friend:{friend}")]
    assert (await _referral(uow_factory, friend)).status is ReferralStatus.PENDING


async def test_referrer_is_rewarded_only_after_friends_first_paid_repair_and_both_are_told(
    uow_factory, rules, engine
):
    referrer, friend = await _pair(uow_factory, rules)
    await _record(uow_factory, rules, _event("e1", "R-1"))
    referral = await _referral(uow_factory, friend)
    assert referral.status is ReferralStatus.REWARDED and referral.order_id == "R-1"
    assert await _entries(engine, referrer, EntryKind.REFERRAL) == [(500, f"referral_reward:{referral.id}")]
    rewarded = await _messages(engine, "referral_rewarded")
    assert rewarded == [(referrer, {"points": 500, "balance": 200 + 500})]
    assert await _messages(engine, "referral_thanked") == [(friend, {})]
    await _record(uow_factory, rules, _event("e2", "R-2"))  # a later repair pays nothing more
    assert len(await _entries(engine, referrer, EntryKind.REFERRAL)) == 1


async def test_a_first_repair_below_the_minimum_settles_the_referral_for_good(uow_factory, rules, engine):
    referrer, friend = await _pair(uow_factory, rules)
    await _record(uow_factory, rules, _event("e1", "R-1", amount=99_999))
    await _record(uow_factory, rules, _event("e2", "R-2", amount=5_000_000))
    referral = await _referral(uow_factory, friend)
    assert (referral.status, referral.reason) == (
        ReferralStatus.REFUSED,
        RefusalReason.FIRST_REPAIR_BELOW_MINIMUM,
    )
    assert await _entries(engine, referrer, EntryKind.REFERRAL) == []


async def test_exactly_the_minimum_qualifies(uow_factory, rules, engine):
    _referrer, friend = await _pair(uow_factory, rules)
    await _record(uow_factory, rules, _event("e1", "R-1", amount=rules.referral.min_first_repair_minor))
    assert (await _referral(uow_factory, friend)).status is ReferralStatus.REWARDED


async def test_a_cancelled_qualifying_repair_reverses_the_reward_once_never_below_zero(
    uow_factory, rules, engine
):
    referrer, friend = await _pair(uow_factory, rules)
    completion = _event("e1", "R-1")
    await _record(uow_factory, rules, completion)
    from domain.services.points import spend_points

    async with uow_factory() as uow:  # the referrer spends most of the reward first
        await spend_points(uow, customer_id=referrer, points=650, source_key="desk:1", now=NOW)
        await uow.commit()
    await _record(uow_factory, rules, _cancel(completion, "c1"))
    await _record(uow_factory, rules, _cancel(completion, "c2"))  # the cancel event again, another id
    await _record(uow_factory, rules, _cancel(completion, "c1"))  # and the same id
    reversals = await _entries(engine, referrer, EntryKind.REVERSAL)
    assert reversals == [(-50, f"referral_reversal:{(await _referral(uow_factory, friend)).id}")]
    assert (await _referral(uow_factory, friend)).status is ReferralStatus.REVERSED
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(referrer) == 0


async def test_a_member_cannot_refer_themselves_nor_take_a_second_referrer(uow_factory, rules, engine):
    referrer, friend = await _pair(uow_factory, rules)
    other = (await registered(uow_factory(), rules, NOW, "+79160000003")).customer
    async with uow_factory() as uow:
        friend_row = await uow.customers.get(friend)
    again = dict(channel=None, external_id=None)
    await registered(uow_factory(), rules, NOW, FRIEND, referral_code=other.referral_code, **again)
    await registered(uow_factory(), rules, NOW, FRIEND, referral_code=friend_row.referral_code, **again)
    async with uow_factory() as uow:
        assert (await uow.customers.get(friend)).referred_by_id == referrer
        refused = {(r.friend_id, r.reason) for r in await uow.referrals.of_referrer(other.id)}
        own = {(r.friend_id, r.reason) for r in await uow.referrals.of_referrer(friend)}
    assert refused == {(friend, RefusalReason.ALREADY_MEMBER)}
    assert own == {(friend, RefusalReason.SELF_REFERRAL)}
    assert await _entries(engine, other.id, EntryKind.REFERRAL) == []


async def test_an_unknown_code_is_ignored(uow_factory, rules, engine):
    result = await registered(uow_factory(), rules, NOW, FRIEND, referral_code="no-such-code")
    assert result.customer.referred_by_id is None and result.welcome is not None
    assert await _referral(uow_factory, result.customer.id) is None


async def test_a_phone_with_repairs_before_joining_is_a_known_phone(uow_factory, rules, engine):
    referrer = (await registered(uow_factory(), rules, NOW, REFERRER)).customer
    await _record(uow_factory, rules, _event("e0", "OLD-1"))  # a non-member's repair
    friend = (
        await registered(uow_factory(), rules, NOW, FRIEND, referral_code=referrer.referral_code)
    ).customer
    referral = await _referral(uow_factory, friend.id)
    assert (referral.status, referral.reason) == (ReferralStatus.REFUSED, RefusalReason.KNOWN_PHONE)
    assert await _entries(engine, friend.id, EntryKind.REFERRAL) == []


async def test_a_deleted_phone_registering_again_gets_no_second_welcome_and_no_referral(
    uow_factory, rules, engine
):
    referrer = (await registered(uow_factory(), rules, NOW, REFERRER)).customer
    first = (await registered(uow_factory(), rules, NOW, FRIEND)).customer
    async with uow_factory() as uow:
        await delete_customer(uow, first.id, NOW)
        await uow.commit()
    later = NOW + timedelta(days=3)
    again = await registered(uow_factory(), rules, later, FRIEND, referral_code=referrer.referral_code)
    assert again.welcome is None
    assert await _entries(engine, again.customer.id, EntryKind.WELCOME) == []
    assert await _entries(engine, again.customer.id, EntryKind.REFERRAL) == []
    referral = await _referral(uow_factory, again.customer.id)
    assert referral.reason is RefusalReason.KNOWN_PHONE
    async with engine.connect() as conn:
        stored = (await conn.execute(sa.select(phone_marks))).all()
    assert all(FRIEND not in str(row) and FRIEND[1:] not in str(row) for row in stored)


async def test_a_serial_seen_on_someone_elses_repair_refuses_the_reward(uow_factory, rules, engine):
    referrer, friend = await _pair(uow_factory, rules)
    await _record(uow_factory, rules, _event("e0", "REF-1", REFERRER, device_serial="SN-42"))
    await _record(uow_factory, rules, _event("e1", "R-1", device_serial="SN-42"))
    referral = await _referral(uow_factory, friend)
    assert (referral.status, referral.reason) == (ReferralStatus.REFUSED, RefusalReason.KNOWN_SERIAL)
    assert await _entries(engine, referrer, EntryKind.REFERRAL) == []


def _shop_uow(engine, rules):
    sessions = session_factory(engine)
    reactions = ProgramReactions(rules, timezone="Europe/Moscow")
    return lambda: SqlUnitOfWork(sessions, reactions)


async def test_the_monthly_cap_pays_the_cap_th_refuses_the_next_and_resets_at_the_shops_month(engine, rules):
    uow_factory = _shop_uow(engine, rules)
    cap = rules.referral.monthly_cap
    referrer = (await registered(uow_factory(), rules, NOW, REFERRER)).customer
    friends = []
    for k in range(cap + 2):
        friend = await registered(
            uow_factory(), rules, NOW, f"+7916100{k:04d}", referral_code=referrer.referral_code
        )
        friends.append(friend.customer)
    # 30 November 23:30 in Moscow is still November there (20:30 UTC)
    late_november = datetime(2026, 11, 30, 20, 30, tzinfo=UTC)
    for k, friend in enumerate(friends[: cap + 1]):
        await _record(uow_factory, rules, _event(f"e{k}", f"R-{k}", friend.phone), late_november)
    # 1 December 00:30 in Moscow (21:30 UTC on 30 November): a new month for the cap
    december = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    last = friends[cap + 1]
    await _record(uow_factory, rules, _event("e-last", "R-last", last.phone), december)
    statuses = [(await _referral(uow_factory, f.id)) for f in friends]
    assert [r.status for r in statuses[:cap]] == [ReferralStatus.REWARDED] * cap
    assert (statuses[cap].status, statuses[cap].reason) == (ReferralStatus.REFUSED, RefusalReason.MONTHLY_CAP)
    assert statuses[cap + 1].status is ReferralStatus.REWARDED
    assert len(await _entries(engine, referrer.id, EntryKind.REFERRAL)) == cap + 1


async def test_two_replicas_completing_the_friends_repairs_at_once_pay_once(engine, database, rules):
    first, second = database.engine(), database.engine()
    try:
        replica_a, replica_b = _shop_uow(first, rules), _shop_uow(second, rules)
        referrer, _friend = await _pair(replica_a, rules)
        await asyncio.gather(
            *[
                _record(replica, rules, _event(f"e{k}", f"R-{k}"))
                for k, replica in enumerate([replica_a, replica_b] * 3)
            ]
        )
        assert len(await _entries(first, referrer, EntryKind.REFERRAL)) == 1
        assert len(await _messages(first, "referral_rewarded")) == 1
    finally:
        await first.dispose()
        await second.dispose()


async def test_the_invite_screen_counts_the_friends_pending_and_rewarded(uow_factory, rules):
    from domain.services.views import get_invite_view

    referrer, _ = await _pair(uow_factory, rules)
    code = await _code(uow_factory, referrer)
    await registered(uow_factory(), rules, NOW, "+79160000009", referral_code=code)
    await _record(uow_factory, rules, _event("e1", "R-1"))
    async with uow_factory() as uow:
        view = await get_invite_view(
            uow, rules, await uow.customers.get(referrer), "https://t.me/bot?start=x"
        )
    assert (view.invited, view.pending, view.rewarded) == (2, 1, 1)


async def _code(uow_factory, customer_id: int) -> str:
    async with uow_factory() as uow:
        return (await uow.customers.get(customer_id)).referral_code


async def test_two_replicas_starting_at_once_agree_on_one_installation_secret(engine, database, rules):
    other = database.engine()
    try:

        async def secret(factory, candidate: bytes) -> bytes:
            async with factory() as uow:
                value = await uow.phone_marks.installation_secret(candidate, NOW)
                await uow.commit()
                return value

        found = await asyncio.gather(
            secret(_shop_uow(engine, rules), b"a" * 32), secret(_shop_uow(other, rules), b"b" * 32)
        )
        assert found[0] == found[1] and found[0] in (b"a" * 32, b"b" * 32)
        assert await secret(_shop_uow(engine, rules), b"c" * 32) == found[0]
    finally:
        await other.dispose()


async def test_a_member_who_joined_before_fingerprints_existed_deleted_and_back_gets_no_second_welcome(
    uow_factory, rules, engine
):
    referrer = (await registered(uow_factory(), rules, NOW, REFERRER)).customer
    first = (await registered(uow_factory(), rules, NOW, FRIEND)).customer
    async with engine.begin() as conn:  # joined before migration 0014: the phone has no mark yet
        await conn.execute(sa.delete(phone_marks))
    async with uow_factory() as uow:
        await delete_customer(uow, first.id, NOW)
        await uow.commit()
    later = NOW + timedelta(days=3)
    again = await registered(uow_factory(), rules, later, FRIEND, referral_code=referrer.referral_code)
    assert again.welcome is None
    assert await _entries(engine, again.customer.id, EntryKind.REFERRAL) == []
    assert (await _referral(uow_factory, again.customer.id)).reason is RefusalReason.KNOWN_PHONE


async def test_a_known_serial_typed_in_another_case_or_with_spaces_is_still_known(uow_factory, rules, engine):
    referrer, friend = await _pair(uow_factory, rules)
    await _record(uow_factory, rules, _event("e0", "REF-1", REFERRER, device_serial="F2LX 9K0Q-JC6"))
    await _record(uow_factory, rules, _event("e1", "R-1", device_serial="f2lx9k0q-jc6"))
    referral = await _referral(uow_factory, friend)
    assert (referral.status, referral.reason) == (ReferralStatus.REFUSED, RefusalReason.KNOWN_SERIAL)
    assert await _entries(engine, referrer, EntryKind.REFERRAL) == []


async def test_a_member_who_never_had_a_welcome_bonus_gets_it_on_return_but_cannot_be_referred(
    uow_factory, rules, engine
):
    no_welcome = dataclasses.replace(rules, welcome=dataclasses.replace(rules.welcome, points=0))
    referrer = (await registered(uow_factory(), rules, NOW, REFERRER)).customer
    first = (await registered(uow_factory(), no_welcome, NOW, FRIEND)).customer
    async with engine.begin() as conn:  # joined before migration 0014: the phone has no mark yet
        await conn.execute(sa.delete(phone_marks))
    async with uow_factory() as uow:
        await delete_customer(uow, first.id, NOW)
        await uow.commit()
    again = await registered(uow_factory(), rules, NOW, FRIEND, referral_code=referrer.referral_code)
    assert again.welcome is not None and again.welcome.entry.points == rules.welcome.points
    assert (await _referral(uow_factory, again.customer.id)).reason is RefusalReason.KNOWN_PHONE
