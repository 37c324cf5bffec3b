"""Spending points at the desk: a code in the customer's chat, and no way to lose or double a point."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from tests.e2e.repairs.conftest import AUTH, PHONE, completed, event


async def _member_with_335(desk) -> int:
    cid = await desk.register()
    await desk.post_event(completed(order_id="R-1", amount="4500.00"))  # 200 welcome + 135
    assert await desk.balance(cid) == 335
    await _received(desk, "R-2", "R-3")
    return cid


async def _received(desk, *order_ids: str, phone: str = PHONE) -> None:
    """Points may only pay orders the repair system has already reported."""
    for order_id in order_ids:
        assert (await desk.post_event(event(order_id=order_id, phone=phone))).status_code == 200


async def _request(desk, points: int, order_id: str = "R-2", amount: str = "1000.00", phone: str = PHONE):
    return await desk.client.post(
        "/api/v1/redemptions",
        json={"phone": phone, "points": points, "order_id": order_id, "amount": amount},
        headers=AUTH,
    )


async def _confirm(desk, redemption_id: int, code: str):
    return await desk.client.post(
        f"/api/v1/redemptions/{redemption_id}/confirm", json={"code": code}, headers=AUTH
    )


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_the_whole_desk_flow_code_in_chat_points_spent_then_completion_earns_on_money(desk):
    cid = await _member_with_335(desk)
    created = await _request(desk, 300)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "pending" and body["attempts_left"] == 5 and body["amount"] == "1000.00"
    code = await desk.code_sent(cid)
    assert len(code) == 6 and code.isdigit()
    text = desk.container.renderer.render(
        "redemption_code", "ru", "telegram", **(await desk.outbox(cid))[-1][1]
    )
    assert code in text and "300 баллов" in text
    confirmed = await _confirm(desk, body["id"], code)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json() == {"id": body["id"], "status": "confirmed", "points": 300, "balance": 35}
    await desk.post_event(completed(order_id="R-2", amount="1000.00"))
    # the 300 paid with points earn nothing: (1000 - 300) x 3 % = 21
    assert await desk.balance(cid) == 35 + 21
    async with desk.container.uow() as uow:
        repair = await uow.repairs.by_order("R-2")
    assert (repair.points_used, repair.paid_money_minor) == (300, 70000)
    state = await desk.client.get(f"/api/v1/redemptions/{body['id']}", headers=AUTH)
    assert state.json()["status"] == "confirmed"


async def test_only_a_hash_of_the_code_is_kept_with_the_redemption(desk):
    cid = await _member_with_335(desk)
    rid = (await _request(desk, 100)).json()["id"]
    code = await desk.code_sent(cid)
    rows = await desk._rows("SELECT * FROM redemptions WHERE id = :i", i=rid)
    assert all(code not in str(value) for value in rows[0])


async def test_a_redemption_over_the_balance_is_refused_and_writes_nothing(desk):
    await desk.register()  # 200
    await _received(desk, "R-2")
    before = await desk.counts()
    response = await _request(desk, 250, amount="10000.00")
    assert response.status_code == 409
    assert response.json()["detail"] == {
        "code": "insufficient_points",
        "message": "requested 250 points, 200 available",
        "requested": 250,
        "available": 200,
    }
    assert await desk.counts() == before


async def test_a_redemption_over_the_bill_share_is_refused(desk):
    await _member_with_335(desk)
    before = await desk.counts()
    response = await _request(desk, 301, amount="1000.00")
    assert response.status_code == 409
    assert response.json()["detail"]["code"] == "bill_share_exceeded"
    assert response.json()["detail"]["allowed"] == 300
    assert await desk.counts() == before


async def test_confirmed_points_count_against_the_share_of_the_same_bill(desk):
    cid = await _member_with_335(desk)
    first = (await _request(desk, 200)).json()["id"]
    assert (await _confirm(desk, first, await desk.code_sent(cid))).status_code == 200
    response = await _request(desk, 101)
    assert response.json()["detail"] == {
        "code": "bill_share_exceeded",
        "message": "requested 101 points, at most 100 may pay this bill",
        "requested": 101,
        "allowed": 100,
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "12", "points": 10, "order_id": "R-2", "amount": "100.00"}, "phone"),
        ({"phone": PHONE, "points": 0, "order_id": "R-2", "amount": "100.00"}, "points"),
        ({"phone": PHONE, "points": 10, "order_id": "R-2", "amount": "100.001"}, "amount"),
        ({"phone": PHONE, "points": 10, "order_id": "R-2", "amount": "-100.00"}, "amount"),
        ({"phone": PHONE, "points": 10, "order_id": "", "amount": "100.00"}, "order_id"),
        ({"phone": PHONE, "points": 10, "amount": "100.00"}, "order_id"),
    ],
)
async def test_an_invalid_redemption_request_is_422_naming_the_field(desk, body, field):
    await desk.register()
    before = await desk.counts()
    response = await desk.client.post("/api/v1/redemptions", json=body, headers=AUTH)
    assert response.status_code == 422
    assert ["body", field] in [e["loc"][:2] for e in response.json()["detail"]]
    assert await desk.counts() == before


async def test_a_zero_bill_or_an_unknown_phone_or_no_chat_is_refused(desk):
    await desk.register()
    await _received(desk, "R-2")
    assert (await _request(desk, 1, amount="0.00")).status_code == 422
    unknown = await _request(desk, 1, phone="+79035550000")
    assert (unknown.status_code, unknown.json()["detail"]["code"]) == (404, "customer_not_found")
    await desk.register("+79035550001", channel=None, external_id=None)
    await _received(desk, "R-9", phone="+79035550001")
    silent = await _request(desk, 10, order_id="R-9", phone="+79035550001")
    assert (silent.status_code, silent.json()["detail"]["code"]) == (409, "no_chat_channel")


async def test_a_wrong_code_is_counted_and_the_right_one_still_works(desk):
    cid = await _member_with_335(desk)
    rid = (await _request(desk, 100)).json()["id"]
    code = await desk.code_sent(cid)
    wrong = await _confirm(desk, rid, _wrong(code))
    assert wrong.status_code == 422
    assert wrong.json()["detail"]["code"] == "wrong_code" and wrong.json()["detail"]["attempts_left"] == 4
    assert await desk.balance(cid) == 335
    assert (await _confirm(desk, rid, code)).json()["balance"] == 235
    used = await _confirm(desk, rid, code)
    assert (used.status_code, used.json()["detail"]["code"]) == (409, "redemption_already_used")
    assert await desk.balance(cid) == 235


async def test_five_wrong_codes_lock_the_redemption(desk):
    cid = await _member_with_335(desk)
    rid = (await _request(desk, 100)).json()["id"]
    code = await desk.code_sent(cid)
    replies = [await _confirm(desk, rid, _wrong(code)) for _ in range(5)]
    assert [r.status_code for r in replies] == [422, 422, 422, 422, 409]
    assert replies[-1].json()["detail"]["code"] == "redemption_locked"
    right = await _confirm(desk, rid, code)
    assert (right.status_code, right.json()["detail"]["code"]) == (409, "redemption_locked")
    assert await desk.balance(cid) == 335
    state = (await desk.client.get(f"/api/v1/redemptions/{rid}", headers=AUTH)).json()
    assert (state["status"], state["attempts_left"]) == ("locked", 0)


async def test_an_expired_code_is_refused(desk):
    cid = await _member_with_335(desk)
    rid = (await _request(desk, 100)).json()["id"]
    code = await desk.code_sent(cid)
    desk.container.clock.advance(timedelta(minutes=10))
    expired = await _confirm(desk, rid, code)
    assert (expired.status_code, expired.json()["detail"]["code"]) == (409, "code_expired")
    assert await desk.balance(cid) == 335


async def test_a_code_confirmed_just_before_expiry_works(desk):
    cid = await _member_with_335(desk)
    rid = (await _request(desk, 100)).json()["id"]
    desk.container.clock.advance(timedelta(minutes=9, seconds=59))
    assert (await _confirm(desk, rid, await desk.code_sent(cid))).status_code == 200


async def test_a_malformed_code_or_unknown_redemption(desk):
    cid = await _member_with_335(desk)
    rid = (await _request(desk, 100)).json()["id"]
    assert (await _confirm(desk, rid, "12345")).status_code == 422
    assert (await _confirm(desk, 987654, await desk.code_sent(cid))).status_code == 404
    state = (await desk.client.get(f"/api/v1/redemptions/{rid}", headers=AUTH)).json()
    assert state["attempts_left"] == 5  # a code that cannot be one is not a try


async def test_concurrent_confirms_of_two_redemptions_exceeding_the_balance_let_one_through(desk):
    cid = await _member_with_335(desk)
    first = (await _request(desk, 200, order_id="R-2")).json()["id"]
    code_1 = await desk.code_sent(cid)
    second = (await _request(desk, 200, order_id="R-3")).json()["id"]
    code_2 = await desk.code_sent(cid)
    replies = await asyncio.gather(_confirm(desk, first, code_1), _confirm(desk, second, code_2))
    assert sorted(r.status_code for r in replies) == [200, 409]
    refused = next(r for r in replies if r.status_code == 409)
    assert refused.json()["detail"]["code"] == "insufficient_points"
    assert await desk.balance(cid) == 135


async def test_twenty_concurrent_confirms_of_one_redemption_spend_once(desk):
    cid = await _member_with_335(desk)
    rid = (await _request(desk, 100)).json()["id"]
    code = await desk.code_sent(cid)
    replies = await asyncio.gather(*[_confirm(desk, rid, code) for _ in range(20)])
    assert sorted(r.status_code for r in replies) == [200] + [409] * 19
    assert await desk.balance(cid) == 235


async def test_points_cannot_pay_an_order_already_completed_or_of_someone_else(desk):
    cid = await _member_with_335(desk)
    closed = await _request(desk, 10, order_id="R-1")
    assert (closed.status_code, closed.json()["detail"]["code"]) == (409, "order_closed")
    await desk.post_event(event(order_id="R-7", phone="+79035550002"))
    foreign = await _request(desk, 10, order_id="R-7")
    assert (foreign.status_code, foreign.json()["detail"]["code"]) == (409, "order_of_another_customer")
    await _received(desk, "R-8")
    rid = (await _request(desk, 10, order_id="R-8")).json()["id"]
    code = await desk.code_sent(cid)
    await desk.post_event(completed(order_id="R-8", amount="100.00"))
    late = await _confirm(desk, rid, code)
    assert (late.status_code, late.json()["detail"]["code"]) == (409, "order_closed")
    assert await desk.balance(cid) == 335 + 3


async def test_cancelling_an_order_gives_back_the_points_that_paid_for_it_once(desk):
    cid = await _member_with_335(desk)
    rid = (await _request(desk, 300)).json()["id"]
    await _confirm(desk, rid, await desk.code_sent(cid))
    await desk.post_event(completed(order_id="R-2", amount="1000.00"))
    assert await desk.balance(cid) == 35 + 21
    for minute in (50, 55):
        cancel = event(
            "repair.cancelled", order_id="R-2", status=None, occurred_at=f"2026-11-22T09:{minute}:00+03:00"
        )
        assert (await desk.post_event(cancel)).status_code == 200
    assert await desk.balance(cid) == 335  # the 21 earned taken back, the 300 spent given back
