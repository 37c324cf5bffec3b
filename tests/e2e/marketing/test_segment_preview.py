"""POST /api/v1/segments/preview: count and a masked sample; bad filters are 422s naming the key."""

from __future__ import annotations

import pytest

from tests.e2e.repairs.conftest import AUTH

PREVIEW = "/api/v1/segments/preview"


async def test_the_preview_counts_consenting_members_and_masks_their_phones(desk):
    first = await desk.register("+79161234567", name="Анна")
    await desk.register("+79161234568", marketing_opt_in=False)
    english_id = await desk.register("+79161234569", locale="en")
    response = await desk.client.post(PREVIEW, json={"filter": {}}, headers=AUTH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 2
    assert [m["id"] for m in body["sample"]] == [first, english_id]
    assert body["sample"][0] == {
        "id": first,
        "phone": "+7 916 ***-**-67",
        "name": "Анна",
        "tier": "bronze",
        "locale": "ru",
    }
    assert all("1234" not in m["phone"] for m in body["sample"])
    english = await desk.client.post(PREVIEW, json={"filter": {"locales": ["en"]}}, headers=AUTH)
    assert english.json()["count"] == 1 and english.json()["sample"][0]["locale"] == "en"


async def test_sample_size_bounds_the_sample_not_the_count(desk):
    for n in range(3):
        await desk.register(f"+7916123456{n}")
    response = await desk.client.post(PREVIEW, params={"sample_size": 1}, json={"filter": {}}, headers=AUTH)
    assert response.json()["count"] == 3 and len(response.json()["sample"]) == 1
    none = await desk.client.post(PREVIEW, params={"sample_size": 0}, json={"filter": {}}, headers=AUTH)
    assert none.json() == {"count": 3, "sample": []}


BAD = [
    ({"vip": True}, "vip", "unknown filter key"),
    ({"min_visits": "2"}, "min_visits", "whole number"),
    ({"min_visits": True}, "min_visits", "whole number"),
    ({"min_visits": -1}, "min_visits", "negative"),
    ({"max_visits": 1.5}, "max_visits", "whole number"),
    ({"min_spend": -100}, "min_spend", "negative"),
    ({"max_spend": "-5.00"}, "max_spend", "negative"),
    ({"min_spend": "12.345"}, "min_spend", "amount like"),
    ({"min_spend": 0.001}, "min_spend", "two decimal"),
    ({"min_spend": [1]}, "min_spend", "amount"),
    ({"min_visits": 5, "max_visits": 2}, "min_visits", "greater than max_visits"),
    ({"min_spend": 500, "max_spend": "100"}, "min_spend", "greater than max_spend"),
    ({"last_visit_within_days": 30, "no_visit_for_days": 60}, "last_visit_within_days", "greater"),
    ({"last_visit_within_days": 0}, "last_visit_within_days", "at least 1"),
    ({"registered_within_days": 10**9}, "registered_within_days", "at most"),
    ({"tiers": ["diamond"]}, "tiers", "diamond"),
    ({"tiers": "gold"}, "tiers", "list of strings"),
    ({"tiers": []}, "tiers", "empty list"),
    ({"device_categories": ["fridge"]}, "device_categories", "fridge"),
    ({"channels": ["sms"]}, "channels", "sms"),
    ({"locales": ["de"]}, "locales", "de"),
    ({"birthday_month": 13}, "birthday_month", "at most 12"),
    ({"birthday_month": 0}, "birthday_month", "at least 1"),
    ({"birthday_month": None}, "birthday_month", "null"),
]


@pytest.mark.parametrize(("bad", "field", "says"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
async def test_a_bad_filter_is_a_422_naming_the_key_and_writes_nothing(desk, bad, field, says):
    await desk.register()
    before = await desk.counts()
    response = await desk.client.post(PREVIEW, json={"filter": bad}, headers=AUTH)
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "filter", field]
    assert says in error["msg"]
    assert await desk.counts() == before


@pytest.mark.parametrize("body", [{}, {"filter": []}, {"filter": "tiers=gold"}, {"filter": None}])
async def test_a_body_without_a_filter_object_is_a_422_naming_filter(desk, body):
    response = await desk.client.post(PREVIEW, json=body, headers=AUTH)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:2] == ["body", "filter"]


async def test_the_preview_needs_the_bearer_token(desk):
    response = await desk.client.post(PREVIEW, json={"filter": {}})
    assert response.status_code == 401


async def test_the_preview_is_documented_with_examples(desk):
    schema = (await desk.client.get("/openapi.json")).json()
    operation = schema["paths"][PREVIEW]["post"]
    assert {"200", "401", "422"} <= set(operation["responses"])
    components = schema["components"]["schemas"]
    assert components["SegmentPreviewIn"]["examples"][0]["filter"]["tiers"] == ["silver", "gold"]
    assert components["SegmentPreviewOut"]["examples"][0]["count"] == 1342
