"""What erasure leaves behind, on both databases (issue 16 item 3): no chat id or Twilio SID in
the outbox, delivery statuses re-keyed so a campaign's delivered count stays, no staff reason in
the ledger and no item texts on the repairs; the ledger still balances."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import sqlalchemy as sa

from domain.outbox import OutboxMessage, OutboxStatus
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairItem, RepairStatus
from domain.services.points import adjust_points
from domain.services.privacy import delete_customer
from domain.services.repairs import record_repair_event
from store.tables import customers, ledger_entries, outbox, repairs
from store.tables_whatsapp import whatsapp_message_statuses
from tests.builders import registered
from tests.feedback_support import complete_repair

FRIEND, PERSON = "+79160000001", "+79161234567"
TG_ID, SID = "555000111:42", "SM0123456789abcdef0123456789abcdef"


async def _person_with_history(uow_factory, rules, clock) -> tuple[int, int]:
    friend = (await registered(uow_factory(), rules, clock.now(), FRIEND)).customer.id
    person = (await registered(uow_factory(), rules, clock.now(), PERSON)).customer
    assert friend is not None and person.id is not None
    await complete_repair(uow_factory, rules, "R-1", PERSON, clock.now())
    now = clock.now()
    async with uow_factory() as uow:
        person.referred_by_id = friend
        await uow.customers.update(person)
        repair = await uow.repairs.by_order("R-1")
        await uow.repairs.update(
            dataclasses.replace(repair, items=(RepairItem("Экран для Ивана Петрова", "part", 100000),))
        )
        await adjust_points(
            uow,
            customer_id=person.id,
            points=50,
            reason="Иван Петров, извинение за задержку",
            author="desk",
            source_key="adjust:1",
            now=now,
            expires_in_days=None,
        )
        for key, provider_id, channel in (("m-tg", TG_ID, "telegram"), ("m-wa", SID, "whatsapp")):
            message = await uow.outbox.add(
                OutboxMessage(
                    customer_id=person.id,
                    template="points_earned",
                    context={},
                    dedupe_key=key,
                    created_at=now,
                    channel=channel,
                )
            )
            message.status, message.sent_at, message.provider_message_id = OutboxStatus.SENT, now, provider_id
            await uow.outbox.save_result(message)
        await uow.message_statuses.put(SID, "delivered", None, now)
        await uow.commit()
    return person.id, friend


async def test_erasure_leaves_no_provider_id_staff_reason_or_item_text(engine, uow_factory, rules, clock):
    cid, friend = await _person_with_history(uow_factory, rules, clock)
    async with uow_factory() as uow:
        await delete_customer(uow, cid, clock.now() + timedelta(hours=1))
        await uow.commit()

    async with engine.connect() as conn:
        ids = set(
            (
                await conn.execute(sa.select(outbox.c.provider_message_id).where(outbox.c.customer_id == cid))
            ).scalars()
        )
        statuses = dict(
            (
                await conn.execute(
                    sa.select(whatsapp_message_statuses.c.message_sid, whatsapp_message_statuses.c.status)
                )
            ).all()
        )
        reasons = (
            (
                await conn.execute(
                    sa.select(ledger_entries.c.reason).where(ledger_entries.c.customer_id == cid)
                )
            )
            .scalars()
            .all()
        )
        items = (
            await conn.execute(sa.select(repairs.c["items"]).where(repairs.c.order_id == "R-1"))
        ).scalar_one()
        referred_by = sa.select(customers.c.referred_by_id).where(customers.c.id == cid)
        referrer = (await conn.execute(referred_by)).scalar_one()
    ids.discard(None)  # the messages never sent (skipped at erasure) have none
    assert TG_ID not in ids and SID not in ids and len(ids) == 2
    assert all(i.startswith("erased:") for i in ids)
    assert SID not in statuses and [s for s in statuses if s in ids] and "delivered" in statuses.values()
    assert reasons and all(r is None for r in reasons)
    # the friend's link stays: it points at an id that names nobody now, and the friend's count,
    # badges and referral KPIs are theirs
    assert items == [] and referrer == friend
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(cid) == await uow.ledger.sum_of_entries(cid) == 0


async def test_the_friend_keeps_their_own_data_and_the_ledger_its_totals(engine, uow_factory, rules, clock):
    cid, friend = await _person_with_history(uow_factory, rules, clock)
    async with uow_factory() as uow:
        before = await uow.ledger.history(cid, limit=100)
        await delete_customer(uow, cid, clock.now() + timedelta(hours=1))
        await uow.commit()
    async with uow_factory() as uow:
        after = await uow.ledger.history(cid, limit=100)
        kept = await uow.customers.get(friend)
    # the same entries, with their points and keys, plus the expiry of what was left
    assert {(e.source_key, e.points) for e in before} <= {(e.source_key, e.points) for e in after}
    assert sum(e.points for e in after) == 0
    assert kept is not None and kept.phone == FRIEND and not kept.is_deleted


def _new_order(order: str, event_id: str, at, status=RepairStatus.RECEIVED) -> RecordRepairEvent:
    return RecordRepairEvent(
        event_id=event_id,
        type=RepairEventType.STATUS_CHANGED,
        order_id=order,
        phone=PERSON,
        status=status,
        device_category=DeviceCategory.PHONE,
        device_brand="Apple",
        device_model="iPhone 13",
        device_serial="F2LXK0ABCD12",
        customer_name="Иван Петров",
        occurred_at=at,
    )


async def test_a_new_order_for_an_erased_phone_does_not_bring_the_person_back(
    engine, uow_factory, rules, clock
):
    cid, _ = await _person_with_history(uow_factory, rules, clock)
    async with uow_factory() as uow:
        await delete_customer(uow, cid, clock.now())
        await uow.commit()
    later = clock.now() + timedelta(days=3)
    async with uow_factory() as uow:
        await record_repair_event(uow, rules, _new_order("R-2", "e-1", later), later)
        await uow.commit()
    async with uow_factory() as uow:
        repair = await uow.repairs.by_order("R-2")
    assert repair is not None and repair.customer_id is None
    assert (repair.phone, repair.customer_name, repair.device_serial) == ("", None, None)

    # The phone registers again: the order's next event links it to the new member.
    member = (await registered(uow_factory(), rules, later, PERSON)).customer
    ready = dataclasses.replace(
        _new_order("R-2", "e-2", later + timedelta(hours=1)), status=RepairStatus.READY
    )
    async with uow_factory() as uow:
        await record_repair_event(uow, rules, ready, later + timedelta(hours=1))
        await uow.commit()
    async with uow_factory() as uow:
        repair = await uow.repairs.by_order("R-2")
    assert repair is not None and repair.customer_id == member.id and repair.phone == PERSON


async def test_a_new_order_for_a_phone_never_registered_keeps_its_details(engine, uow_factory, rules, clock):
    now = clock.now()
    async with uow_factory() as uow:
        await record_repair_event(uow, rules, _new_order("R-3", "e-3", now), now)
        await uow.commit()
    async with uow_factory() as uow:
        repair = await uow.repairs.by_order("R-3")
    assert repair is not None and (repair.phone, repair.customer_name) == (PERSON, "Иван Петров")
