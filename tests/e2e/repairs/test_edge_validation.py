"""Input no database can keep, or no column can hold, is refused at the edge: 422 naming the field."""

from __future__ import annotations

import json

import pytest

from tests.e2e.repairs.conftest import AUTH, PHONE, completed, event

INT64_MAX = 2**63 - 1


def _named(response) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in response.json()["detail"]}


def _with(payload: dict, path: str, value: object) -> dict:
    *parents, leaf = path.split(".")
    node = payload
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[leaf] = value
    return payload


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_with(event(), "customer.name", "Иван\x00"), "customer.name"),
        (_with(event(), "customer.phone", "+79161234567\x00"), "customer.phone"),
        (_with(event(), "device.brand", "\x00"), "device.brand"),
        (_with(event(), "device.model", "iPhone\x0013"), "device.model"),
        (_with(event(), "device.serial", "SN\x00"), "device.serial"),
        (completed(items=[{"name": "a\x00", "kind": "repair", "price": "1.00"}]), "items.0.name"),
        (completed(items=[{"name": "a", "kind": "re\x00pair", "price": "1.00"}]), "items.0.kind"),
        (event(order_id="R-1\x00"), "order_id"),
        (event(occurred_at="0001-01-01T00:00:00+01:00"), "occurred_at"),
        (event(occurred_at="9999-12-31T23:59:59-05:00"), "occurred_at"),
        (event(occurred_at="1999-12-31T23:59:59+00:00"), "occurred_at"),
        (event(occurred_at="2101-01-01T00:00:00+00:00"), "occurred_at"),
        (completed(amount="10000000.01"), "amount"),
        (completed(amount="9999999999.99"), "amount"),
        (completed(items=[{"name": "a", "kind": "repair", "price": "10000000.01"}]), "items.0.price"),
        (completed(amount="٤٥٠٠.٠٠"), "amount"),
        (completed(amount="４５００"), "amount"),
    ],
)
async def test_a_repair_event_with_unstorable_input_is_422_naming_the_field(desk, payload, field):
    await desk.register()
    before = await desk.counts()
    response = await desk.post_event(payload)
    assert response.status_code == 422, response.text
    assert f"body.{field}" in _named(response)
    assert await desk.counts() == before


# The upper edge is the clock (tests/conftest.py NOW, 10:00 in Moscow) plus the five minutes a
# sender's clock may run ahead: a later moment is refused (tests/e2e/repairs/test_strict_events.py).
@pytest.mark.parametrize("occurred_at", ["2000-01-01T00:00:00+00:00", "2026-11-22T10:04:59+03:00"])
async def test_the_edges_of_the_time_range_are_accepted(desk, occurred_at):
    response = await desk.post_event(event(occurred_at=occurred_at))
    assert response.status_code == 200, response.text


async def test_the_largest_bill_completes_and_earns_within_the_columns(desk):
    cid = await desk.register()
    for k in range(3):
        response = await desk.post_event(completed(order_id=f"BIG-{k}", amount="10000000.00"))
        assert response.status_code == 200, response.text
    assert await desk.balance(cid) > 3 * 300_000


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("GET", f"/api/v1/customers/{INT64_MAX + 1}", None, "path.customer_id"),
        ("GET", f"/api/v1/customers/{10**20}/ledger", None, "path.customer_id"),
        ("GET", "/api/v1/customers/0", None, "path.customer_id"),
        ("GET", f"/api/v1/customers/1/ledger?before_id={INT64_MAX + 1}", None, "query.before_id"),
        (
            "POST",
            f"/api/v1/customers/{INT64_MAX + 1}/adjustments",
            {"points": 5, "reason": "x"},
            "path.customer_id",
        ),
        ("GET", f"/api/v1/redemptions/{INT64_MAX + 1}", None, "path.redemption_id"),
        ("POST", f"/api/v1/redemptions/{INT64_MAX + 1}/confirm", {"code": "123456"}, "path.redemption_id"),
        ("POST", "/api/v1/redemptions/-1/confirm", {"code": "123456"}, "path.redemption_id"),
        ("POST", "/api/v1/customers/1/adjustments", {"points": 5, "reason": "a\x00b"}, "body.reason"),
        ("POST", "/api/v1/customers/1/adjustments", {"points": 1_000_001, "reason": "x"}, "body.points"),
        ("POST", "/api/v1/customers/1/adjustments", {"points": -1_000_001, "reason": "x"}, "body.points"),
        ("POST", "/api/v1/redemptions/1/confirm", {"code": "١٢٣٤٥٦"}, "body.code"),
        ("POST", "/api/v1/redemptions/1/confirm", {"code": "１２３４５６"}, "body.code"),
        (
            "POST",
            "/api/v1/redemptions",
            {"phone": PHONE, "points": 10, "order_id": "R-1", "amount": "١٠٠٠"},
            "body.amount",
        ),
        (
            "POST",
            "/api/v1/redemptions",
            {"phone": PHONE, "points": 10, "order_id": "R-1", "amount": "10000000.01"},
            "body.amount",
        ),
    ],
)
async def test_a_desk_call_with_out_of_range_input_is_422_naming_the_field(desk, method, path, body, field):
    await desk.register()
    before = await desk.counts()
    response = await desk.client.request(method, path, json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    assert field in _named(response)
    assert await desk.counts() == before


async def test_an_adjustment_reason_with_a_lone_surrogate_is_422(desk):
    cid = await desk.register()
    before = await desk.counts()
    body = json.dumps({"points": 5, "reason": "a\ud800"}).encode()  # kept as a JSON escape
    response = await desk.client.post(
        f"/api/v1/customers/{cid}/adjustments",
        content=body,
        headers={**AUTH, "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert "body.reason" in _named(response)
    assert await desk.counts() == before


async def test_the_largest_ids_are_a_plain_404(desk):
    for path in (f"/api/v1/customers/{INT64_MAX}", f"/api/v1/redemptions/{INT64_MAX}"):
        response = await desk.client.get(path, headers=AUTH)
        assert response.status_code == 404, response.text


async def test_a_code_in_other_digits_does_not_use_up_a_try(desk):
    cid = await desk.register()
    await desk.post_event(event(order_id="R-2"))
    created = await desk.client.post(
        "/api/v1/redemptions",
        json={"phone": PHONE, "points": 10, "order_id": "R-2", "amount": "100.00"},
        headers=AUTH,
    )
    rid = created.json()["id"]
    code = await desk.code_sent(cid)
    arabic = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    refused = await desk.client.post(
        f"/api/v1/redemptions/{rid}/confirm", json={"code": arabic}, headers=AUTH
    )
    assert refused.status_code == 422
    state = (await desk.client.get(f"/api/v1/redemptions/{rid}", headers=AUTH)).json()
    assert (state["status"], state["attempts_left"]) == ("pending", 5)
