"""Points pay a known order of the same customer, against that order's one bill."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.repairs.conftest import AUTH, PHONE, completed, event

OTHER = "+79160000001"


async def _request(desk, points: int, order_id: str, amount: str, phone: str = PHONE):
    return await desk.client.post(
        "/api/v1/redemptions",
        json={"phone": phone, "points": points, "order_id": order_id, "amount": amount},
        headers=AUTH,
    )


async def _spend(desk, cid: int, points: int, order_id: str, amount: str) -> dict:
    created = await _request(desk, points, order_id, amount)
    assert created.status_code == 201, created.text
    confirmed = await desk.client.post(
        f"/api/v1/redemptions/{created.json()['id']}/confirm",
        json={"code": await desk.code_sent(cid)},
        headers=AUTH,
    )
    assert confirmed.status_code == 200, confirmed.text
    return confirmed.json()


async def _seed(desk, cid: int, points: int) -> None:
    response = await desk.client.post(
        f"/api/v1/customers/{cid}/adjustments", json={"points": points, "reason": "seed"}, headers=AUTH
    )
    assert response.status_code == 201


async def test_an_order_the_repair_system_has_not_reported_cannot_be_paid_with_points(desk):
    cid = await desk.register()
    before = await desk.counts()
    refused = await _request(desk, 100, "X-1", "1000.00")
    assert refused.status_code == 409
    assert refused.json()["detail"]["code"] == "unknown_order"
    assert await desk.counts() == before
    await desk.post_event(event(order_id="X-1"))
    assert (await _spend(desk, cid, 100, "X-1", "1000.00"))["balance"] == 100


async def test_an_order_that_turns_out_to_be_someone_elses_never_took_anyones_points(desk):
    a = await desk.register()
    b = await desk.register(OTHER, external_id="tg-b")
    assert (await _request(desk, 200, "X-1", "1000.00")).json()["detail"]["code"] == "unknown_order"
    await desk.post_event(event(order_id="X-1", phone=OTHER))
    foreign = await _request(desk, 200, "X-1", "1000.00")
    assert (foreign.status_code, foreign.json()["detail"]["code"]) == (409, "order_of_another_customer")
    await desk.post_event(completed(order_id="X-1", phone=OTHER, amount="1000.00"))
    assert await desk.balance(a) == 200
    assert await desk.balance(b) == 200 + 30


async def test_a_second_redemption_naming_another_bill_for_the_same_order_is_refused(desk):
    cid = await desk.register()
    await _seed(desk, cid, 5000)
    await desk.post_event(event(order_id="R-3"))
    await _spend(desk, cid, 300, "R-3", "1000.00")
    before = await desk.counts()
    bigger = await _request(desk, 2000, "R-3", "10000.00")
    assert bigger.status_code == 409
    assert bigger.json()["detail"] == {
        "code": "bill_mismatch",
        "message": "order R-3 is already being paid against a different bill",
        "amount": "1000.00",
    }
    assert await desk.counts() == before
    # the same bill: the share counts everything already spent on it
    over = await _request(desk, 1, "R-3", "1000.00")
    assert (over.json()["detail"]["code"], over.json()["detail"]["allowed"]) == ("bill_share_exceeded", 0)
    await desk.post_event(completed(order_id="R-3", amount="1000.00"))
    rows = await desk._rows("SELECT points_used, paid_money_minor FROM repairs WHERE order_id = 'R-3'")
    assert tuple(rows[0]) == (300, 70000)


async def test_a_pending_code_fixes_the_bill_until_it_expires(desk):
    cid = await desk.register()
    await desk.post_event(event(order_id="R-3"))
    assert (await _request(desk, 100, "R-3", "1000.00")).status_code == 201
    other = await _request(desk, 100, "R-3", "2000.00")
    assert other.json()["detail"]["code"] == "bill_mismatch"
    desk.container.clock.advance(timedelta(minutes=11))
    assert (await _spend(desk, cid, 100, "R-3", "2000.00"))["balance"] == 100
