"""The desk API: bearer auth, customer lookup, the ledger and manual adjustments."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import running
from tests.e2e.repairs.conftest import AUTH, PHONE, TOKEN, completed

ROUTES = [
    ("GET", "/api/v1/customers?phone=%2B79161234567", None),
    ("GET", "/api/v1/customers/1", None),
    ("GET", "/api/v1/customers/1/ledger", None),
    ("POST", "/api/v1/customers/1/adjustments", {"points": 10, "reason": "x"}),
    ("POST", "/api/v1/redemptions", {"phone": PHONE, "points": 10, "order_id": "R-1", "amount": "100.00"}),
    ("POST", "/api/v1/redemptions/1/confirm", {"code": "123456"}),
    ("GET", "/api/v1/redemptions/1", None),
    ("GET", "/api/v1/offers/codes/ABCD-EFGH", None),
    ("POST", "/api/v1/offers/codes/ABCD-EFGH/use", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": "Bearer"},
    ],
)
async def test_every_route_refuses_a_missing_or_wrong_token(desk, method, path, body, headers):
    await desk.register()
    before = await desk.counts()
    response = await desk.client.request(method, path, json=body, headers=headers)
    assert response.status_code == 401, response.text
    assert await desk.counts() == before


async def test_a_non_ascii_token_is_refused_not_crashed(desk):
    response = await desk.client.get(
        "/api/v1/customers/1", headers=[(b"authorization", "Bearer пароль".encode())]
    )
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
async def test_without_a_configured_token_every_call_is_refused(make_container, method, path, body):
    container = await make_container()
    async with running(container) as client:
        response = await client.request(method, path, json=body, headers={"Authorization": "Bearer "})
        also = await client.request(method, path, json=body, headers=AUTH)
    assert response.status_code == also.status_code == 401
    assert "ADMIN_API_TOKEN is not set" in also.json()["detail"]


async def test_lookup_by_phone_in_any_spelling(desk):
    cid = await desk.register()
    for spelling in ("+79161234567", "8 (916) 123-45-67", "+7 916 123-45-67"):
        response = await desk.client.get("/api/v1/customers", params={"phone": spelling}, headers=AUTH)
        assert response.status_code == 200
        assert response.json() == {
            "items": [
                {
                    "id": cid,
                    "phone": PHONE,
                    "name": "Иван Петров",
                    "tier": "bronze",
                    "points_balance": 200,
                    "marketing_opt_in": True,
                    "channels": ["telegram"],
                }
            ]
        }


async def test_an_unknown_phone_gives_no_items_and_a_bad_one_is_422(desk):
    unknown = await desk.client.get("/api/v1/customers", params={"phone": "+79035550000"}, headers=AUTH)
    assert unknown.json() == {"items": []}
    bad = await desk.client.get("/api/v1/customers", params={"phone": "12"}, headers=AUTH)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "phone"]
    missing = await desk.client.get("/api/v1/customers", headers=AUTH)
    assert missing.status_code == 422


async def test_customer_card_and_404(desk):
    cid = await desk.register()
    card = await desk.client.get(f"/api/v1/customers/{cid}", headers=AUTH)
    assert card.status_code == 200
    assert card.json()["points_balance"] == 200 and card.json()["locale"] == "ru"
    missing = await desk.client.get("/api/v1/customers/999999", headers=AUTH)
    assert missing.status_code == 404
    assert missing.json()["detail"]["code"] == "customer_not_found"


async def test_the_ledger_pages_newest_first(desk):
    cid = await desk.register()
    for n in range(1, 5):
        await desk.post_event(completed(order_id=f"R-{n}", amount=f"{n * 1000}.00"))
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"before_id": cursor} if cursor else {})
        page = (await desk.client.get(f"/api/v1/customers/{cid}/ledger", params=params, headers=AUTH)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_before_id"]
        if cursor is None:
            break
    assert len(seen) == 5 and seen == sorted(seen, reverse=True)
    first = (await desk.client.get(f"/api/v1/customers/{cid}/ledger", headers=AUTH)).json()["items"][0]
    assert (first["kind"], first["points"], first["order_id"]) == ("earn", 120, "R-4")


async def test_an_adjustment_is_a_ledger_entry_with_its_author_and_is_idempotent(desk):
    cid = await desk.register()
    headers = [(k.encode(), v.encode()) for k, v in AUTH.items()]
    headers += [(b"x-actor", "Мария (desk 2)".encode()), (b"idempotency-key", b"adj-1")]
    body = {"points": -50, "reason": "duplicate welcome"}
    first = await desk.client.post(f"/api/v1/customers/{cid}/adjustments", json=body, headers=headers)
    again = await desk.client.post(f"/api/v1/customers/{cid}/adjustments", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["balance"] == 150 and again.json()["duplicate"] is True
    entry = first.json()["entry"]
    assert (entry["kind"], entry["points"], entry["reason"]) == ("adjustment", -50, "duplicate welcome")
    assert entry["author"] == "api:admin:Мария desk 2"
    assert await desk.balance(cid) == 150


async def test_an_adjustment_without_actor_is_authored_by_the_api(desk):
    cid = await desk.register()
    response = await desk.client.post(
        f"/api/v1/customers/{cid}/adjustments", json={"points": 25, "reason": "goodwill"}, headers=AUTH
    )
    assert response.json()["entry"]["author"] == "api:admin"
    assert response.json()["entry"]["remaining"] == 25


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"points": -500, "reason": "too much"}, 409, "insufficient_points"),
        ({"points": 0, "reason": "nothing"}, 422, "invalid_amount"),
        ({"points": 10, "reason": "   "}, 422, "invalid_amount"),
        ({"points": 10}, 422, None),
        ({"points": "ten", "reason": "x"}, 422, None),
    ],
)
async def test_a_refused_adjustment_changes_nothing(desk, body, status, code):
    cid = await desk.register()
    before = await desk.counts()
    response = await desk.client.post(f"/api/v1/customers/{cid}/adjustments", json=body, headers=AUTH)
    assert response.status_code == status, response.text
    if code:
        assert response.json()["detail"]["code"] == code
    assert await desk.counts() == before


async def test_an_adjustment_for_an_unknown_customer_is_404(desk):
    response = await desk.client.post(
        "/api/v1/customers/4242/adjustments", json={"points": 5, "reason": "x"}, headers=AUTH
    )
    assert response.status_code == 404


async def test_openapi_documents_every_route_with_examples(desk):
    spec = (await desk.client.get("/openapi.json")).json()
    paths = spec["paths"]
    for path, method in [
        ("/webhooks/repairs", "post"),
        ("/api/v1/customers", "get"),
        ("/api/v1/customers/{customer_id}", "get"),
        ("/api/v1/customers/{customer_id}/ledger", "get"),
        ("/api/v1/customers/{customer_id}/adjustments", "post"),
        ("/api/v1/redemptions", "post"),
        ("/api/v1/redemptions/{redemption_id}", "get"),
        ("/api/v1/redemptions/{redemption_id}/confirm", "post"),
    ]:
        operation = paths[path][method]
        assert operation["description"] or operation["summary"]
        assert "401" in operation["responses"]
    webhook_body = paths["/webhooks/repairs"]["post"]["requestBody"]["content"]["application/json"]
    assert webhook_body["example"]["order_id"] == "R-1042"
    assert "$ref" not in str(webhook_body["schema"])
    assert spec["components"]["schemas"]["RedemptionIn"]["examples"]
    assert (await desk.client.get("/docs")).status_code == 200
