"""Signed events and desk calls are read strictly: no future, no duplicate keys, JSON only, exact types."""

from __future__ import annotations

import json

import pytest

from tests.e2e.repairs.conftest import AUTH, completed, event, sign

# tests/conftest.py NOW is 2026-11-22 07:00 UTC (10:00 in Moscow).


async def test_an_event_from_the_future_is_refused_and_cannot_freeze_the_order(desk):
    cid = await desk.register()
    assert (await desk.post_event(event(status="received"))).status_code == 200
    before = await desk.counts()
    response = await desk.post_event(event(status="diagnostics", occurred_at="2099-01-01T10:00:00+03:00"))
    assert response.status_code == 422, response.text
    assert ["body", "occurred_at"] in [e["loc"] for e in response.json()["detail"]]
    assert await desk.counts() == before
    ready = await desk.post_event(event(status="ready", occurred_at="2026-11-22T09:59:00+03:00"))
    assert ready.status_code == 200
    async with desk.container.uow() as uow:
        repair = await uow.repairs.by_order("R-1042")
        assert repair is not None and repair.status.value == "ready"
        assert any(m.template == "repair_ready" for m in await uow.outbox.due(desk.container.clock.now(), 50))
    assert cid


async def test_a_few_minutes_of_clock_skew_are_tolerated(desk):
    assert (await desk.post_event(event(occurred_at="2026-11-22T10:04:00+03:00"))).status_code == 200
    refused = await desk.post_event(event(occurred_at="2026-11-22T10:06:00+03:00"))
    assert refused.status_code == 422


@pytest.mark.parametrize("eta", ["0001-01-01", "9999-12-31", "2024-11-01", "2028-01-01"])
async def test_an_eta_far_from_today_is_refused(desk, eta):
    before = await desk.counts()
    response = await desk.post_event(event(eta=eta))
    assert response.status_code == 422, response.text
    assert ["body", "eta"] in [e["loc"] for e in response.json()["detail"]]
    assert await desk.counts() == before


async def test_a_sensible_eta_is_kept(desk):
    assert (await desk.post_event(event(eta="2026-11-25"))).status_code == 200


async def test_a_body_with_a_key_twice_is_refused(desk):
    body = json.dumps(completed()).encode()
    doubled = body[:-1] + b', "type": "repair.cancelled"}'
    before = await desk.counts()
    headers = sign(doubled, "msg_doubled", desk.container.clock.now())
    response = await desk.client.post("/webhooks/repairs", content=doubled, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", "type"]
    nested = body.replace(b'"phone":', b'"phone": "+79160000000", "phone":', 1)
    headers = sign(nested, "msg_nested", desk.container.clock.now())
    assert (await desk.client.post("/webhooks/repairs", content=nested, headers=headers)).status_code == 422
    assert await desk.counts() == before


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
async def test_an_event_that_is_not_sent_as_json_is_a_415(desk, content_type):
    body = json.dumps(event()).encode()
    headers = sign(body, "msg_plain", desk.container.clock.now())
    if content_type is None:
        del headers["content-type"]
    else:
        headers["content-type"] = content_type
    before = await desk.counts()
    response = await desk.client.post("/webhooks/repairs", content=body, headers=headers)
    assert response.status_code == 415, response.text
    assert await desk.counts() == before
    headers["content-type"] = "application/json; charset=utf-8"
    assert (await desk.client.post("/webhooks/repairs", content=body, headers=headers)).status_code == 200


@pytest.mark.parametrize("points", [True, "5", 1e2, 10.0, None])
async def test_points_must_be_a_json_integer(desk, points):
    cid = await desk.register()
    before = await desk.counts()
    adjust = await desk.client.post(
        f"/api/v1/customers/{cid}/adjustments", json={"points": points, "reason": "x"}, headers=AUTH
    )
    assert adjust.status_code == 422, adjust.text
    redeem = await desk.client.post(
        "/api/v1/redemptions",
        json={"phone": "+79161234567", "points": points, "order_id": "R-1", "amount": "4500.00"},
        headers=AUTH,
    )
    assert redeem.status_code == 422, redeem.text
    assert await desk.counts() == before


async def test_an_idempotency_key_reused_for_another_adjustment_is_refused_not_replayed(desk):
    cid = await desk.register()
    url = f"/api/v1/customers/{cid}/adjustments"
    key = {**AUTH, "Idempotency-Key": "adj-42"}
    first = await desk.client.post(url, json={"points": 10, "reason": "goodwill"}, headers=key)
    assert first.status_code == 201 and first.json()["duplicate"] is False
    balance = first.json()["balance"]
    retry = await desk.client.post(url, json={"points": 10, "reason": "goodwill"}, headers=key)
    assert retry.status_code == 201 and retry.json()["duplicate"] is True
    before = await desk.counts()
    for other in ({"points": -150, "reason": "goodwill"}, {"points": 10, "reason": "another reason"}):
        reused = await desk.client.post(url, json=other, headers=key)
        assert reused.status_code == 422, reused.text
        assert reused.json()["detail"]["code"] == "idempotency_key_reused"
    assert await desk.counts() == before
    assert await desk.balance(cid) == balance
