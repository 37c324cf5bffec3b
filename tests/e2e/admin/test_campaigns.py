"""Campaigns in a real browser: the filter builder's live count and the per-language preview agree
with the API, a campaign is scheduled, listed, cancelled; a test send to someone the campaign could
not reach is refused beside the field; bad input and a form without its CSRF token write nothing."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright import sync_api as playwright_sync

from tests.e2e.admin.conftest import AdminServer, Seeder

FILTER = {"locales": ["en"], "registered_within_days": 30}
TEXT_RU = "{{ name }}, у вас {{ pts(points) }}. Почистим ноутбук?"
TEXT_EN = "{{ name }}, you have {{ pts(points) }}. Laptop clean-up?"


def _campaigns(server: AdminServer) -> list[dict]:
    answer = server.api("GET", "/campaigns", params={"limit": 100})
    assert answer.status_code == 200
    return answer.json()["items"]


def _tomorrow_local() -> str:
    return (datetime.now(UTC).astimezone(ZoneInfo("Europe/Moscow")) + timedelta(days=1)).date().isoformat()


def _fill_editor(page: playwright_sync.Page, name: str) -> None:
    page.goto("/admin/campaigns/new")
    page.fill("#f-name", name)
    page.check("input[name=locales][value=en]")
    page.fill("#f-registered_within_days", "30")
    page.fill("#f-message_ru", TEXT_RU)
    page.fill("#f-message_en", TEXT_EN)


def test_a_campaign_built_with_the_filter_builder_shows_its_count_and_preview_and_is_scheduled(
    signed_in: playwright_sync.Page, admin_server: AdminServer, seed: Seeder, tmp_path: Path
):
    page = signed_in
    seed.member("+79160000101", name="Emma Stone", locale="en")
    seed.member("+79160000102", name="Oliver Twist", locale="en")
    seed.member("+79160000103", name="Пётр Иванов", locale="ru")
    expected = admin_server.api("POST", "/segments/preview", json={"filter": FILTER}).json()
    assert expected["count"] >= 2
    _fill_editor(page, "Ноутбуки к сентябрю")
    # the live count (the page's script) and then the no-script button agree with the API
    count = page.locator("[data-test=recipient-count]")
    playwright_sync.expect(count).to_have_attribute("data-count", str(expected["count"]))
    page.click("[data-test=check]")
    assert page.locator("[data-test=recipient-count]").inner_text().startswith(str(expected["count"]))
    first = expected["sample"][0]["name"]
    assert page.locator("[data-test=sample] li").first.inner_text().startswith(first)
    ru = page.locator("[data-preview=ru] .bubble").inner_text()
    en = page.locator("[data-preview=en] .bubble").inner_text()
    assert ru == f"{first}, у вас 200 баллов. Почистим ноутбук?"
    assert en == f"{first}, you have 200 points. Laptop clean-up?"
    shots = Path(os.environ.get("ADMIN_SCREENSHOTS") or tmp_path)  # to look at: what a marketer sees
    page.screenshot(path=str(shots / "campaign_new.png"), full_page=True)
    # schedule it for tomorrow 10:00 shop time, with a holdout and a bonus
    page.click("label.seg:has(input[value=at])")
    page.fill("#f-send_date", _tomorrow_local())
    page.fill("#f-send_time", "10:00")
    page.fill("#f-holdout_percent", "10")
    page.fill("#f-bonus_points", "50")
    page.click("[data-test=create]")
    page.wait_for_url("**/admin/campaigns/*?created=1")
    assert page.locator("[data-test=status]").get_attribute("data-status") == "scheduled"
    campaign_id = int(page.url.split("/")[-1].split("?")[0])
    made = admin_server.api("GET", f"/campaigns/{campaign_id}").json()
    assert made["filter"] == FILTER and made["holdout_percent"] == 10 and made["bonus_points"] == 50
    assert made["message"] == {"ru": TEXT_RU, "en": TEXT_EN}
    assert made["send_at"].startswith(_tomorrow_local() + "T07:00:00")  # 10:00 in Moscow
    page.goto("/admin/campaigns")
    row = page.locator(f"tr[data-campaign='{campaign_id}']")
    assert "Ноутбуки к сентябрю" in row.inner_text()
    assert row.locator("[data-status]").get_attribute("data-status") == "scheduled"


def test_a_campaign_is_cancelled_and_a_test_send_to_someone_it_cannot_reach_is_refused(
    signed_in: playwright_sync.Page, admin_server: AdminServer, seed: Seeder
):
    page = signed_in
    reachable = seed.member("+79160000201", name="Анна Смирнова", locale="en")
    refused = seed.member("+79160000202", name="Без согласия", marketing_opt_in=False)
    created = admin_server.api(
        "POST",
        "/campaigns",
        json={"name": "Тест отмены", "filter": FILTER, "message": {"ru": TEXT_RU}, "send_at": None},
    )
    assert created.status_code == 201
    campaign_id = created.json()["id"]
    page.goto(f"/admin/campaigns/{campaign_id}")
    page.fill("#f-customer_id", str(refused))
    page.click("[data-test=test-send]")
    error = page.locator("[data-error-for=customer_id]")
    assert f"Клиенту №{refused} отправить нельзя" in error.inner_text()
    page.fill("#f-customer_id", str(reachable))
    page.click("[data-test=test-send]")
    page.wait_for_url(f"**/admin/campaigns/{campaign_id}?sent={reachable}")
    assert "поставлено в очередь" in page.locator("[data-test=notice]").inner_text()
    page.click("[data-test=cancel]")
    page.wait_for_url(f"**/admin/campaigns/{campaign_id}?cancelled=1")
    assert page.locator("[data-test=status]").get_attribute("data-status") == "cancelled"
    assert admin_server.api("GET", f"/campaigns/{campaign_id}").json()["status"] == "cancelled"
    assert page.locator("[data-test=cancel]").count() == 0


def test_bad_input_is_shown_beside_each_field_and_nothing_is_written(
    signed_in: playwright_sync.Page, admin_server: AdminServer
):
    page = signed_in
    before = len(_campaigns(admin_server))
    page.goto("/admin/campaigns/new")
    page.fill("#f-name", "Вчерашняя")
    page.click("label.seg:has(input[value=at])")
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    page.fill("#f-send_date", yesterday)
    page.fill("#f-send_time", "10:00")
    page.fill("#f-holdout_percent", "90")
    page.fill("#f-min_visits", "5")
    page.fill("#f-max_visits", "2")
    page.click("[data-test=create]")
    assert page.locator("[data-error-for=send_date]").inner_text() == "Это время уже прошло."
    assert page.locator("[data-error-for=holdout_percent]").inner_text() == "Число от 0 до 50."
    assert (
        page.locator("[data-error-for=message_ru]").inner_text() == "Напишите текст хотя бы на одном языке."
    )
    assert "Больше верхней границы" in page.locator("[data-error-for=min_visits]").inner_text()
    assert page.locator("#f-name").input_value() == "Вчерашняя"  # what was typed is kept
    page.fill("#f-holdout_percent", "10")
    page.fill("#f-max_visits", "")
    page.fill("#f-message_ru", "{{ nonsense_variable }}")
    page.fill("#f-send_date", _tomorrow_local())
    page.click("[data-test=create]")
    assert "Текст не собирается" in page.locator("[data-error-for=message_ru]").inner_text()
    assert len(_campaigns(admin_server)) == before


def test_campaign_forms_posted_without_their_csrf_token_are_refused_and_change_nothing(
    signed_in: playwright_sync.Page, admin_server: AdminServer
):
    page = signed_in
    created = admin_server.api(
        "POST", "/campaigns", json={"name": "Защищённая", "filter": {}, "message": {"ru": "Привет"}}
    ).json()
    before = len(_campaigns(admin_server))
    form = {"name": "Подделка", "message_ru": "Привет", "holdout_percent": "0", "bonus_points": "0"}
    for path, data in (
        ("/admin/campaigns/new", {**form, "action": "create"}),
        (f"/admin/campaigns/{created['id']}/cancel", {}),
        (f"/admin/campaigns/{created['id']}/test", {"customer_id": "1"}),
        ("/admin/campaigns/count", {}),
    ):
        answer = page.request.post(path, form=data, max_redirects=0)
        assert answer.status == 403, path
        forged = page.request.post(path, form={**data, "csrf_token": "forged"}, max_redirects=0)
        assert forged.status == 403, path
    assert len(_campaigns(admin_server)) == before
    assert admin_server.api("GET", f"/campaigns/{created['id']}").json()["status"] == "scheduled"
