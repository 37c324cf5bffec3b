"""The dashboard in a real browser shows the numbers GET /api/v1/kpi gives for the same period, and its
charts; a screenshot is kept (ADMIN_SCREENSHOT_DIR, else the test's tmp_path) to look at."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from playwright import sync_api as playwright_sync

from tests.e2e.admin.conftest import AdminServer, Seeder

COUNTS = ("members", "points_issued", "points_redeemed", "points_expired")
MONEY = ("program_cost", "points_liability", "ltv", "avg_check_members", "avg_check_non_members")
RATES = ("participation_rate", "retention_rate", "churn_rate", "repeat_visit_rate", "breakage")


def _number(shown: str) -> Decimal | None:
    """«1 234,56 ₽», «12,5 %», «3» as a number; «—» as None."""
    text = shown.replace("\xa0", "").replace(" ", "").replace("₽", "").replace("%", "").replace(",", ".")
    return None if text in ("—", "") else Decimal(text)


def _shown(page: playwright_sync.Page, key: str) -> Decimal | None:
    return _number(page.locator(f"[data-kpi={key}] [data-kpi-value]").inner_text())


def _seed_a_small_shop(seed: Seeder, server: AdminServer) -> None:
    now = datetime.now(UTC)
    for i, (phone, amount) in enumerate(
        [("+79160000101", "4500.00"), ("+79160000102", "12000.00"), ("+79160000103", "2300.00")]
    ):
        seed.member(phone, name=f"Клиент {i + 1}")
        seed.repair(phone, amount)
    seed.repair("+79160000101", "1800.00")
    seed.repair("+79160000199", "3000.00")  # not a member
    created = server.api(
        "POST",
        "/campaigns",
        json={
            "name": "Чистка ноутбука",
            "filter": {},
            "message": {"ru": "{{ name }}, почистим ноутбук?"},
            "send_at": (now + timedelta(days=3)).isoformat(),
            "holdout_percent": 10,
        },
    )
    assert created.status_code == 201, created.text


def test_the_dashboard_shows_the_kpis_the_api_gives_for_the_same_period(
    signed_in: playwright_sync.Page, seed: Seeder, admin_server: AdminServer, tmp_path: Path
):
    _seed_a_small_shop(seed, admin_server)
    api = admin_server.api("GET", "/kpi").json()
    first, last = api["period"]["from"], api["period"]["to"]
    page = signed_in
    page.goto(f"/admin?from={first}&to={last}")
    assert page.locator("[data-kpi=members]").is_visible()
    assert api["members"] == 3 and api["points_issued"] > 0  # the fixture did reach the server
    for key in COUNTS:
        assert _shown(page, key) == api[key], key
    for key in MONEY:
        assert _shown(page, key) == (None if api[key] is None else Decimal(api[key])), key
    for key in RATES:
        expected = None if api[key] is None else round(Decimal(str(api[key])) * 100, 1)
        assert _shown(page, key) == expected, key
    assert page.locator("[data-kpi=csat] [data-kpi-value]").inner_text() == "нет данных"
    assert page.locator("[data-test=csat-none]").inner_text() == "нет данных"
    assert page.locator("[data-chart=members] svg circle").count() >= 1
    assert page.locator("[data-chart=points] svg rect").count() >= 3
    assert page.locator("[data-chart=tiers] .bar-row").count() == len(api["tiers"])
    assert "Чистка ноутбука" in page.locator("[data-chart=campaigns]").inner_text()
    shots = Path(os.environ.get("ADMIN_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "admin-dashboard.png"), full_page=True)
    page.click(".lang button[value=en]")
    assert page.locator("h1").inner_text() == "Program overview"
    assert _shown(page, "members") == api["members"]
    page.screenshot(path=str(shots / "admin-dashboard-en.png"), full_page=True)


def test_a_period_that_ends_before_it_starts_is_explained_next_to_the_field(signed_in: playwright_sync.Page):
    page = signed_in
    page.goto("/admin?from=2026-11-30&to=2026-11-01")
    assert "начало позже конца" in page.locator("[data-error-for=from]").inner_text()
    page.goto("/admin?from=not-a-day")
    assert page.locator("[data-error-for=from]").inner_text() == "Дата в формате ГГГГ-ММ-ДД."
