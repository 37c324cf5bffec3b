"""Export and erasure asked for at the desk or in writing: done through the API, each on record."""

from __future__ import annotations

import pytest

from tests.e2e.repairs.conftest import AUTH, PHONE, completed

REASON = "written request of 2026-11-30, received at the desk"


async def test_an_export_at_the_desk_gives_the_customers_data_and_is_recorded_with_who_and_why(desk):
    cid = await desk.register()
    assert (await desk.post_event(completed())).status_code == 200
    headers = {**AUTH, "X-Actor": "Анна".encode()}
    answer = await desk.client.get(
        f"/api/v1/customers/{cid}/export", params={"reason": REASON}, headers=headers
    )
    assert answer.status_code == 200
    data = answer.json()
    assert data["customer"]["phone"] == PHONE and [r["order_id"] for r in data["repairs"]] == ["R-1042"]
    # the export shows the request it answers: the customer sees who handed out their data
    assert [(q["kind"], q["by"], q["reason"]) for q in data["data_requests"]] == [
        ("export", "api:admin:Анна", REASON)
    ]
    trail = (await desk.client.get(f"/api/v1/customers/{cid}/data-requests", headers=AUTH)).json()["items"]
    assert [(t["kind"], t["author"], t["reason"]) for t in trail] == [("export", "api:admin:Анна", REASON)]


async def test_an_erasure_at_the_desk_erases_as_delete_me_does_and_its_record_outlives_the_data(desk):
    cid = await desk.register()
    assert (await desk.post_event(completed())).status_code == 200
    gone = await desk.client.delete(f"/api/v1/customers/{cid}", params={"reason": REASON}, headers=AUTH)
    assert gone.status_code == 200
    assert (gone.json()["kind"], gone.json()["author"], gone.json()["customer_id"]) == (
        "erasure",
        "api:admin",
        cid,
    )
    rows = await desk._rows("SELECT phone, name, deleted_at FROM customers WHERE id = :c", c=cid)
    assert rows[0][0] is None and rows[0][1] is None and rows[0][2] is not None
    assert await desk.balance(cid) == 0  # the rest forfeited through the ledger: the books balance
    assert (await desk.client.get(f"/api/v1/customers/{cid}", headers=AUTH)).status_code == 404
    # asked again (a retry, a second letter): nobody to erase, nothing written
    again = await desk.client.delete(f"/api/v1/customers/{cid}", params={"reason": REASON}, headers=AUTH)
    assert again.status_code == 404 and again.json()["detail"]["code"] == "customer_not_found"
    export = await desk.client.get(f"/api/v1/customers/{cid}/export", params={"reason": REASON}, headers=AUTH)
    assert export.status_code == 404
    trail = (await desk.client.get(f"/api/v1/customers/{cid}/data-requests", headers=AUTH)).json()["items"]
    assert [t["kind"] for t in trail] == ["erasure"]


@pytest.mark.parametrize("reason", [None, "", "x" * 501])
async def test_a_request_without_its_reason_is_refused_and_changes_nothing(desk, reason):
    cid = await desk.register()
    before = await desk.counts()
    params = {} if reason is None else {"reason": reason}
    for call in (desk.client.delete, desk.client.get):
        path = f"/api/v1/customers/{cid}" + ("/export" if call == desk.client.get else "")
        answer = await call(path, params=params, headers=AUTH)
        assert answer.status_code == 422 and "reason" in answer.text
    assert await desk.counts() == before


async def test_a_blank_reason_is_refused_by_the_domain_too(desk):
    cid = await desk.register()
    before = await desk.counts()
    answer = await desk.client.delete(f"/api/v1/customers/{cid}", params={"reason": "   "}, headers=AUTH)
    assert answer.status_code == 422 and answer.json()["detail"]["code"] == "reason_required"
    assert await desk.counts() == before


async def test_unknown_customers_and_missing_tokens_are_refused(desk):
    assert (
        await desk.client.delete("/api/v1/customers/999", params={"reason": REASON}, headers=AUTH)
    ).status_code == 404
    assert (
        await desk.client.get("/api/v1/customers/999/export", params={"reason": REASON}, headers=AUTH)
    ).status_code == 404
    assert (await desk.client.delete("/api/v1/customers/1", params={"reason": REASON})).status_code == 401
    assert (await desk.client.get("/api/v1/customers/999/data-requests", headers=AUTH)).json() == {
        "items": []
    }
