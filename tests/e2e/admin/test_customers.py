"""Customers in a real browser: find by phone, the card, and a manual adjustment recorded with its
author; a missing reason is shown next to the field and changes nothing; a double submit counts once."""

from __future__ import annotations

import os
from pathlib import Path

from playwright import sync_api as playwright_sync

from tests.e2e.admin.conftest import AdminServer, Seeder


def _open_card(page: playwright_sync.Page, phone_typed: str) -> None:
    page.goto("/admin/customers")
    page.fill("#f-phone", phone_typed)
    page.click("button.btn-primary")
    page.click("[data-test=customer-link]")
    page.wait_for_selector("[data-test=customer-name]")


def _ledger(server: AdminServer, customer_id: int) -> list[dict]:
    answer = server.api("GET", f"/customers/{customer_id}/ledger")
    assert answer.status_code == 200
    return answer.json()["items"]


def test_a_member_found_by_phone_gets_points_adjusted_and_sees_the_ledger_line(
    signed_in: playwright_sync.Page, seed: Seeder, admin_server: AdminServer, tmp_path: Path
):
    member = seed.member("+79161110001", name="Ольга Смирнова")
    seed.repair("+79161110001", "4500.00", order_id="R-7001")
    before = admin_server.api("GET", f"/customers/{member}").json()["points_balance"]
    page = signed_in
    _open_card(page, "8 (916) 111-00-01")
    assert page.locator("[data-test=customer-name]").inner_text() == "Ольга Смирнова"
    assert "Telegram" in page.locator("[data-test=channels]").inner_text()
    assert "дано" in page.locator("[data-test=pd-consent]").inner_text()
    assert "подписан" in page.locator("[data-test=marketing]").inner_text()
    assert "R-7001" in page.locator("[data-test=repairs]").inner_text()
    page.fill("#f-points", "150")
    page.fill("#f-reason", "Извинение за задержку ремонта")
    page.click("[data-test=adjust] button[type=submit]")
    page.wait_for_selector("[data-test=notice]")
    assert page.locator("[data-test=notice]").inner_text() == "Баллы проведены, запись добавлена в историю."
    line = page.locator("[data-test=ledger] tbody tr").first
    assert "Ручная корректировка" in line.inner_text()
    assert "+150" in line.inner_text() and "Извинение за задержку ремонта" in line.inner_text()
    assert "admin:Анна:" in line.inner_text()
    entry = _ledger(admin_server, member)[0]
    assert (entry["kind"], entry["points"], entry["reason"]) == (
        "adjustment",
        150,
        "Извинение за задержку ремонта",
    )
    assert entry["author"].startswith("admin:Анна:")
    assert admin_server.api("GET", f"/customers/{member}").json()["points_balance"] == before + 150
    assert page.locator("[data-test=balance]").inner_text().replace("\xa0", " ").startswith(str(before + 150))
    page.screenshot(path=str(Path(os.environ.get("ADMIN_SCREENSHOT_DIR") or tmp_path) / "admin-customer.png"))


def test_a_missing_reason_is_shown_next_to_the_field_and_changes_nothing(
    signed_in: playwright_sync.Page, seed: Seeder, admin_server: AdminServer
):
    member = seed.member("+79161110002")
    before = _ledger(admin_server, member)
    page = signed_in
    _open_card(page, "+79161110002")
    page.fill("#f-points", "-20")
    page.click("[data-test=adjust] button[type=submit]")
    assert page.locator("[data-error-for=reason]").inner_text() == "Заполните это поле."
    assert page.locator("#f-points").input_value() == "-20"  # what was typed is kept
    page.fill("#f-points", "abc")
    page.fill("#f-reason", "Проверка")
    page.click("[data-test=adjust] button[type=submit]")
    assert page.locator("[data-error-for=points]").inner_text() == "Введите целое число."
    page.fill("#f-points", "-100000")
    page.click("[data-test=adjust] button[type=submit]")
    assert page.locator("[data-error-for=points]").inner_text() == "Столько баллов на счёте нет."
    assert _ledger(admin_server, member) == before


def test_the_same_form_sent_twice_adjusts_once(
    signed_in: playwright_sync.Page, seed: Seeder, admin_server: AdminServer
):
    member = seed.member("+79161110003")
    page = signed_in
    _open_card(page, "+79161110003")
    form = {
        "csrf_token": page.locator("[data-test=adjust] input[name=csrf_token]").input_value(),
        "idempotency_key": page.locator("input[name=idempotency_key]").input_value(),
        "points": "75",
        "reason": "Двойной клик",
    }
    path = f"/admin/customers/{member}/adjustments"
    first = page.request.post(path, form=form, max_redirects=0)
    second = page.request.post(path, form=form, max_redirects=0)
    assert first.status == 303 and second.status == 303
    assert "duplicate=1" in second.headers["location"] and "duplicate" not in first.headers["location"]
    adjustments = [e for e in _ledger(admin_server, member) if e["kind"] == "adjustment"]
    assert [e["points"] for e in adjustments] == [75]
    page.goto(second.headers["location"])
    assert "уже проведена" in page.locator("[data-test=notice]").inner_text()
    without_csrf = page.request.post(path, form={k: v for k, v in form.items() if k != "csrf_token"})
    assert without_csrf.status == 403
    assert len([e for e in _ledger(admin_server, member) if e["kind"] == "adjustment"]) == 1


def test_an_unknown_phone_finds_nobody_and_a_malformed_one_is_explained(signed_in: playwright_sync.Page):
    page = signed_in
    page.goto("/admin/customers?phone=%2B79169999999")
    assert "нет" in page.locator("[data-test=no-results]").inner_text()
    page.goto("/admin/customers?phone=hello")
    assert page.locator("[data-error-for=phone]").inner_text().startswith("Это не номер телефона.")
    page.goto("/admin/customers/999999")
    assert page.locator("[data-test=not-found]").is_visible()
