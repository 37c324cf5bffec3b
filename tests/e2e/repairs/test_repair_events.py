"""A repair system that knows only the contract drives orders, statuses and points through the webhook."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.e2e.repairs.conftest import PHONE, completed, event


async def _repair(desk, order_id: str = "R-1042"):
    async with desk.container.uow() as uow:
        return await uow.repairs.by_order(order_id)


async def _history(desk, order_id: str = "R-1042") -> list[str]:
    rows = await desk._rows(
        "SELECT h.status FROM repair_status_history h JOIN repairs r ON r.id = h.repair_id "
        "WHERE r.order_id = :o ORDER BY h.id",
        o=order_id,
    )
    return [r[0] for r in rows]


async def test_the_same_webhook_id_twice_is_processed_once(desk):
    cid = await desk.register()
    first = await desk.post_event(completed(), msg_id="msg_same")
    counts = await desk.counts()
    again = await desk.post_event(completed(), msg_id="msg_same")
    assert first.json() == {"status": "processed"}
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert await desk.counts() == counts
    assert await desk.balance(cid) == 200 + 135


async def test_twenty_parallel_deliveries_of_one_event_are_processed_once(desk):
    cid = await desk.register()
    responses = await asyncio.gather(*[desk.post_event(completed(), msg_id="msg_burst") for _ in range(20)])
    statuses = sorted(r.json()["status"] for r in responses)
    assert [r.status_code for r in responses] == [200] * 20
    assert statuses == ["duplicate"] * 19 + ["processed"]
    assert await desk.balance(cid) == 200 + 135
    assert await _history(desk) == ["completed"]


async def test_parallel_first_events_of_a_new_order_under_different_ids_make_one_order(desk):
    await desk.register()
    payloads = [event(status="received"), event(status="diagnostics"), completed()]
    responses = await asyncio.gather(*[desk.post_event(p) for p in payloads * 3])
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    repair = await _repair(desk)
    assert repair.status == "completed"
    assert len(await _history(desk)) == 9


async def test_completion_earns_the_tier_rate_on_money_paid_minus_excluded_items(desk):
    cid = await desk.register()
    items = [
        {"name": "Замена дисплея", "kind": "repair", "price": "4000.00"},
        {"name": "Подарочная карта", "kind": "gift_card", "price": "1000.00"},
        {"name": "Стекло", "kind": "accessory", "price": "533.33"},
    ]
    response = await desk.post_event(completed(amount="5533.33", items=items))
    assert response.status_code == 200, response.text
    # (5533.33 - 1000.00 gift card) x 3 % = 135.99 -> 135
    assert await desk.balance(cid) == 200 + 135
    repair = await _repair(desk)
    assert repair.paid_money_minor == 453333 and repair.amount_minor == 553333
    assert [name for name, _ in await desk.outbox(cid)] == ["points_earned", "badge_awarded"]  # first repair


async def test_statuses_the_customer_cares_about_are_queued_and_render(desk):
    cid = await desk.register()
    for status in ("received", "diagnostics", "waiting_approval", "in_repair", "ready"):
        assert (await desk.post_event(event(status=status, eta="2026-11-24"))).status_code == 200
    messages = await desk.outbox(cid)
    assert [name for name, _ in messages] == ["repair_received", "repair_waiting_approval", "repair_ready"]
    for name, context in messages:  # as the delivery loop will: the JSON context renders in both locales
        for locale in ("ru", "en"):
            assert "R-1042" in desk.container.renderer.render(name, locale, "telegram", **context)
    ru = desk.container.renderer.render("repair_received", "ru", "plain", **messages[0][1])
    assert "24 ноября 2026" in ru


async def test_a_late_status_never_moves_a_completed_order_back(desk):
    cid = await desk.register()
    await desk.post_event(event(status="received", occurred_at="2026-11-22T08:00:00+03:00"))
    await desk.post_event(completed(occurred_at="2026-11-22T09:30:00+03:00"))
    late = await desk.post_event(event(status="ready", occurred_at="2026-11-22T09:20:00+03:00"))
    later_still = await desk.post_event(event(status="in_repair", occurred_at="2026-11-22T09:45:00+03:00"))
    assert late.json() == later_still.json() == {"status": "processed"}
    repair = await _repair(desk)
    assert repair.status == "completed"
    assert await _history(desk) == ["received", "completed", "ready", "in_repair"]
    assert "repair_ready" not in [name for name, _ in await desk.outbox(cid)]


async def test_an_older_status_arriving_late_does_not_replace_a_newer_one(desk):
    await desk.register()
    await desk.post_event(event(status="ready", occurred_at="2026-11-22T09:00:00+03:00"))
    await desk.post_event(event(status="diagnostics", occurred_at="2026-11-22T08:00:00+03:00"))
    assert (await _repair(desk)).status == "ready"


async def test_a_cancelled_order_stays_cancelled_and_never_earns(desk):
    cid = await desk.register()
    await desk.post_event(event("repair.cancelled", status="cancelled"))
    await desk.post_event(event(status="ready", occurred_at="2026-11-22T09:50:00+03:00"))
    await desk.post_event(completed())
    assert (await _repair(desk)).status == "cancelled"
    assert await desk.balance(cid) == 200


async def test_a_second_completion_under_a_new_id_earns_nothing_more(desk):
    cid = await desk.register()
    await desk.post_event(completed(amount="4500.00"))
    again = await desk.post_event(completed(amount="9000.00", occurred_at="2026-11-22T09:40:00+03:00"))
    assert again.json() == {"status": "processed"}
    assert await desk.balance(cid) == 200 + 135
    assert (await _repair(desk)).amount_minor == 450000


async def test_cancellation_after_completion_reverses_the_points_once(desk):
    cid = await desk.register()
    await desk.post_event(completed())
    assert await desk.balance(cid) == 335
    first = await desk.post_event(
        event("repair.cancelled", status="cancelled", occurred_at="2026-11-22T09:50:00+03:00")
    )
    second = await desk.post_event(
        event("repair.cancelled", status=None, occurred_at="2026-11-22T09:55:00+03:00")
    )
    assert first.status_code == second.status_code == 200
    assert await desk.balance(cid) == 200
    async with desk.container.uow() as uow:
        kinds = [e.kind for e in await uow.ledger.history(cid)]
        assert await uow.repairs.spent_since(cid, desk.container.clock.now() - timedelta(days=365)) == 0
    assert kinds.count("reversal") == 1
    cancelled = [ctx for name, ctx in await desk.outbox(cid) if name == "repair_cancelled"]
    assert cancelled == [{"order_id": "R-1042", "taken_back": 135, "given_back": 0, "balance": 200}]


async def test_completion_upgrades_the_tier_at_once_and_says_so(desk):
    cid = await desk.register()
    await desk.post_event(completed(order_id="R-1", amount="10000.00"))
    await desk.post_event(completed(order_id="R-2", amount="6000.00"))
    async with desk.container.uow() as uow:
        customer = await uow.customers.get(cid)
    assert customer.tier == "silver"
    # R-1 at bronze 3 % = 300, R-2 still earned at the rate before the upgrade: 180
    assert await desk.balance(cid) == 200 + 300 + 180
    names = [name for name, _ in await desk.outbox(cid) if name != "badge_awarded"]  # first repair: badges
    assert names == ["points_earned", "points_earned", "tier_upgraded"]


async def test_a_non_members_repair_is_kept_then_linked_and_counts_for_the_tier_without_points(desk):
    other = "+79035550101"
    await desk.post_event(completed(order_id="R-9", amount="16000.00", phone="8 (903) 555-01-01"))
    repair = await _repair(desk, "R-9")
    assert repair.customer_id is None and repair.paid_money_minor == 1600000
    cid = await desk.register(other)
    repair = await _repair(desk, "R-9")
    assert repair.customer_id == cid
    async with desk.container.uow() as uow:
        assert (await uow.customers.get(cid)).tier == "silver"
    assert await desk.balance(cid) == 200  # welcome only: no retroactive points by default


async def test_an_event_for_a_member_after_registration_is_linked_at_once(desk):
    cid = await desk.register()
    await desk.post_event(event(status="received", phone="89161234567"))
    assert (await _repair(desk)).customer_id == cid
    assert (await _repair(desk)).phone == PHONE


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (event("repair.completed", status="completed"), "amount"),
        (completed(amount="45.001"), "amount"),
        (completed(amount="-5.00"), "amount"),
        (completed(amount=4500), "amount"),
        (event(status=None), "status"),
        (event(status="teleported"), "status"),
        (event("repair.completed", status="ready", amount="10.00"), "status"),
        (event(type="repair.exploded"), "type"),
        (event(phone="not a phone"), "customer.phone"),
        (event(occurred_at="2026-11-22T09:00:00"), "occurred_at"),
        (event(device={"category": "toaster"}), "device.category"),
        (event(order_id=""), "order_id"),
        (event(eta="2026-02-30"), "eta"),
        (completed(items=[{"name": "x", "kind": "repair", "price": "1,5"}]), "items.0.price"),
    ],
)
async def test_an_invalid_payload_is_422_naming_the_field_and_writes_nothing(desk, payload, field):
    await desk.register()
    before = await desk.counts()
    response = await desk.post_event(payload)
    assert response.status_code == 422, response.text
    named = {".".join(str(p) for p in e["loc"][1:]) for e in response.json()["detail"]}
    assert field in named, named
    assert await desk.counts() == before


@pytest.mark.parametrize("body", [b"", b"not json", b"[1, 2]", b'{"type": "repair.completed"'])
async def test_a_body_that_is_not_a_json_object_is_422(desk, body):
    from tests.e2e.repairs.conftest import sign

    before = await desk.counts()
    response = await desk.client.post(
        "/webhooks/repairs", content=body, headers=sign(body, "msg_x", desk.container.clock.now())
    )
    assert response.status_code == 422
    assert await desk.counts() == before


async def test_a_refused_event_can_be_sent_again_once_fixed(desk):
    await desk.register()
    bad = await desk.post_event(event("repair.completed", status="completed"), msg_id="msg_fix")
    good = await desk.post_event(completed(), msg_id="msg_fix")
    assert (bad.status_code, good.json()) == (422, {"status": "processed"})
