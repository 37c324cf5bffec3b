"""GET /api/v1/kpi, GET /api/v1/campaigns/{id}/results and `loyalty kpi`: the same numbers, clear refusals.

The shop is tests/kpi_data.py; its figures are worked out by hand in tests/integration/test_kpi_report.py.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from app.bootstrap import bootstrap
from app.cli_kpi import kpi_as_json
from store import migrate
from tests import kpi_data as shop
from tests.conftest import Database
from tests.e2e.conftest import make_settings, running
from tests.e2e.repairs.conftest import AUTH, SECRET, TOKEN, Desk

LOYALTY = Path(sys.executable).with_name("loyalty")
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
async def desk(make_container) -> AsyncIterator[Desk]:
    container = await make_container(admin_api_token=TOKEN, repair_webhook_secret=SECRET)
    async with running(container) as client:
        yield Desk(container, client)


async def test_the_kpi_of_november_as_the_api_gives_them(desk: Desk):
    await shop.november_shop(desk.container.engine)
    response = await desk.client.get("/api/v1/kpi", params=NOVEMBER, headers=AUTH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"] == {"from": "2026-11-01", "to": "2026-11-30", "timezone": "Europe/Moscow"}
    assert {k: body[k] for k in ("members", "members_at_start", "new_members", "customers_seen")} == {
        "members": 3,
        "members_at_start": 3,
        "new_members": 1,
        "customers_seen": 3,
    }
    assert body["participation_rate"] == 0.3333
    assert body["retention_rate"] == 0.6667
    assert body["churn_rate"] == 0.5
    assert body["repeat_visit_rate"] == 1.0
    assert (body["ltv"], body["ltv_trend"]) == (
        "3333.33",
        [{"month": "2026-11", "members": 3, "ltv": "3333.33"}],
    )
    assert (body["avg_check_members"], body["avg_check_non_members"]) == ("3000.00", "1000.00")
    assert (body["points_issued"], body["points_redeemed"], body["points_expired"]) == (190, 100, 70)
    assert (body["points_outstanding"], body["points_liability"]) == (470, "470.00")
    assert (body["redemption_rate"], body["breakage"], body["avg_reward"]) == (0.5263, 0.3684, "47.50")
    assert body["csat"] == 0.75  # scores 5, 2, 4, 4 in November (tests/kpi_data.py)
    assert body["points_by_month"] == [{"month": "2026-11", "issued": 190, "redeemed": 100, "expired": 70}]
    assert body["tiers"] == {"bronze": 3, "silver": 1}
    assert body["messages_sent"] == {"telegram": 2, "whatsapp": 3}
    assert (body["redeemed_value"], body["bonuses_spent"], body["messaging_cost"]) == (
        "100.00",
        "50.00",
        "16.50",
    )
    assert (body["program_cost"], body["attributable_revenue"]) == ("116.50", "4000.00")
    assert (body["roi_basis"], body["roi"]) == ("members_vs_non_members", 33.3348)


async def test_without_dates_the_kpi_cover_the_last_30_shop_days(desk: Desk):
    response = await desk.client.get("/api/v1/kpi", headers=AUTH)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["period"]["from"] == "2026-10-24" and body["period"]["to"] == "2026-11-22"  # clock: 22 Nov
    assert body["members"] == 0 and body["participation_rate"] is None and body["roi"] is None


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "from", "is after"),
        ({"from": "2026-02-30"}, "from", "date"),
        ({"to": "30.11.2026"}, "to", "date"),
        ({"from": "2010-01-01", "to": "2026-11-30"}, "to", "at most 3660 days"),
        ({"from": "1999-12-31"}, "from", "between 2000 and 2100"),
    ],
)
async def test_a_period_that_makes_no_sense_is_a_422_naming_the_field(desk: Desk, params, field, says):
    response = await desk.client.get("/api/v1/kpi", params=params, headers=AUTH)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["loc"] == ["query", field] and says in e["msg"] for e in errors), errors


async def test_kpi_and_results_need_the_bearer_token(desk: Desk):
    assert (await desk.client.get("/api/v1/kpi")).status_code == 401
    assert (await desk.client.get("/api/v1/campaigns/1/results")).status_code == 401


async def test_a_campaigns_results_with_its_holdout_and_without_one(desk: Desk):
    await shop.campaign_shop(desk.container.engine)
    response = await desk.client.get("/api/v1/campaigns/1/results", headers=AUTH)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "campaign_id": 1,
        "runs": 1,
        "recipients": 3,
        "delivered": 2,
        "holdout": 2,
        "attribution_days": 30,
        "recipients_outcome": {
            "customers": 2,
            "repairs": 2,
            "revenue": "4000.00",
            "revenue_per_customer": "2000.00",
        },
        "holdout_outcome": {
            "customers": 2,
            "repairs": 1,
            "revenue": "1200.00",
            "revenue_per_customer": "600.00",
        },
        "lift": "1400.00",
        "lift_rate": 2.3333,
        "incremental_revenue": "2800.00",
        "bonus_points": 100,
        "cost": "105.50",
        "roi": 25.5403,
    }
    without = (await desk.client.get("/api/v1/campaigns/2/results", headers=AUTH)).json()
    assert (without["holdout"], without["lift"], without["roi"]) == (0, None, None)
    assert without["holdout_outcome"] == {
        "customers": 0,
        "repairs": 0,
        "revenue": "0.00",
        "revenue_per_customer": None,
    }
    missing = await desk.client.get("/api/v1/campaigns/99/results", headers=AUTH)
    assert missing.status_code == 404


async def test_the_cli_report_is_the_api_report(desk: Desk):
    await shop.november_shop(desk.container.engine)
    await shop.campaign_shop(desk.container.engine)
    api = (await desk.client.get("/api/v1/kpi", params=NOVEMBER, headers=AUTH)).json()
    cli = await kpi_as_json(desk.container, *(date.fromisoformat(NOVEMBER[k]) for k in ("from", "to")))
    assert json.loads(json.dumps(cli)) == api


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LOYALTY), "kpi", *args],
        cwd=tmp_path,
        env={"PATH": str(LOYALTY.parent), "HOME": str(tmp_path), "COLUMNS": "120"},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_loyalty_kpi_json_and_table_agree_with_the_api_to_the_last_digit(tmp_path: Path, clock, rules):
    database = Database("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'loyalty.db'}")
    engine = database.engine()
    await migrate.upgrade(engine)
    await shop.november_shop(engine)
    container = bootstrap(
        make_settings(database, admin_api_token=TOKEN),
        clock=clock,
        rules=rules,
        engine=engine,
        channel_builders={},
    )
    try:
        async with running(container) as client:
            api = (await client.get("/api/v1/kpi", params=NOVEMBER, headers=AUTH)).json()
    finally:
        await container.aclose()

    printed = await asyncio.to_thread(_cli, tmp_path, "--from", "2026-11-01", "--to", "2026-11-30", "--json")
    assert printed.returncode == 0, printed.stderr
    assert json.loads(printed.stdout) == api
    table = await asyncio.to_thread(_cli, tmp_path, "--from", "2026-11-01", "--to", "2026-11-30")
    assert table.returncode == 0, table.stderr
    rows = {line.split()[1]: line.split()[3] for line in table.stdout.splitlines() if line.count("│") == 3}
    assert rows["participation_rate"] == str(api["participation_rate"]) == "0.3333"
    assert rows["points_liability"] == api["points_liability"] == "470.00"
    assert rows["roi"] == str(api["roi"]) == "33.3348"
    assert rows["csat"] == str(api["csat"]) == "0.75"


def test_loyalty_kpi_refuses_a_bad_period_with_exit_2_naming_the_option(tmp_path: Path):
    bad_date = _cli(tmp_path, "--from", "2026-02-30")
    assert bad_date.returncode == 2 and "--from" in bad_date.stderr and "YYYY-MM-DD" in bad_date.stderr
    backwards = _cli(tmp_path, "--from", "2026-11-30", "--to", "2026-11-01")
    assert backwards.returncode == 2 and "--from" in backwards.stderr and "is after" in backwards.stderr
    assert "Traceback" not in bad_date.stderr + backwards.stderr
