"""The desk checks a customer's personal offer code and marks it used once, over /api/v1."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.offer_codes import OfferCode
from domain.services.offer_codes import personal_code
from tests.e2e.repairs.conftest import AUTH

TODAY = date(2026, 11, 22)


async def _code(desk, cid: int, key: str = "win_back") -> str:
    rules = desk.container.rules
    offer = next(o for o in rules.offers if o.key == key)
    async with desk.container.uow() as uow:
        code = await personal_code(uow, rules, cid, offer, TODAY, desk.container.clock.now())
        await uow.commit()
    return code.code


async def test_the_desk_sees_whose_code_it_is_which_offer_and_until_when(desk):
    cid = await desk.register()
    code = await _code(desk, cid)
    response = await desk.client.get(f"/api/v1/offers/codes/{code}", headers=AUTH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == code and body["offer"] == "win_back" and body["customer_id"] == cid
    assert body["status"] == "issued" and body["used_at"] is None
    assert body["valid_until"] == (TODAY + timedelta(days=29)).isoformat()
    assert body["offer_titles"]["ru"] == "Мы скучаем!"


async def test_a_code_typed_in_lower_case_is_found(desk):
    code = await _code(desk, await desk.register())
    response = await desk.client.get(f"/api/v1/offers/codes/{code.lower()}", headers=AUTH)
    assert response.status_code == 200 and response.json()["code"] == code


async def test_a_code_is_used_once_and_a_second_use_is_a_409_that_changes_nothing(desk):
    code = await _code(desk, await desk.register())
    used = await desk.client.post(f"/api/v1/offers/codes/{code}/use", headers=AUTH | {"X-Actor": "Anna"})
    assert used.status_code == 200, used.text
    assert used.json()["status"] == "used" and used.json()["used_at"]
    before = await desk.counts()
    again = await desk.client.post(f"/api/v1/offers/codes/{code.lower()}/use", headers=AUTH)
    assert again.status_code == 409 and "already used" in again.text
    assert await desk.counts() == before
    assert (await desk.client.get(f"/api/v1/offers/codes/{code}", headers=AUTH)).json()["status"] == "used"


async def test_an_expired_code_reads_expired_and_its_use_is_a_409_saying_so(desk):
    cid = await desk.register()
    async with desk.container.uow() as uow:
        issued = await uow.offer_codes.issue(
            OfferCode("ABCD-EFGH", cid, "win_back", TODAY - timedelta(days=1), desk.container.clock.now())
        )
        await uow.commit()
    response = await desk.client.get(f"/api/v1/offers/codes/{issued.code}", headers=AUTH)
    assert response.json()["status"] == "expired"
    refused = await desk.client.post(f"/api/v1/offers/codes/{issued.code}/use", headers=AUTH)
    assert refused.status_code == 409 and "expired on 2026-11-21" in refused.text
    assert (await desk.client.get(f"/api/v1/offers/codes/{issued.code}", headers=AUTH)).json()[
        "status"
    ] == "expired"


async def test_an_unknown_code_is_a_404(desk):
    await desk.register()
    assert (await desk.client.get("/api/v1/offers/codes/ABCD-EFGH", headers=AUTH)).status_code == 404
    assert (await desk.client.post("/api/v1/offers/codes/ABCD-EFGH/use", headers=AUTH)).status_code == 404


@pytest.mark.parametrize(
    "wrong", ["ABCDEFGH", "ABC-DEFGH", "ABCD-EFG0", "OBCD-EFGH", "ABCD-EFGI", "ABCD-EFGH1"]
)
async def test_a_code_of_the_wrong_shape_is_a_422_and_changes_nothing(desk, wrong):
    await desk.register()
    before = await desk.counts()
    assert (await desk.client.get(f"/api/v1/offers/codes/{wrong}", headers=AUTH)).status_code == 422
    assert (await desk.client.post(f"/api/v1/offers/codes/{wrong}/use", headers=AUTH)).status_code == 422
    assert await desk.counts() == before
