"""POST /api/v1/jobs/{name}/run and `loyalty jobs run`: once per date, clear refusals."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from scheduler.jobs import JobDeps, Jobs
from scheduler.runner import Scheduler
from tests.e2e.conftest import running
from tests.e2e.repairs.conftest import AUTH, SECRET, TOKEN, Desk
from tests.integration.test_job_runs import CountingJob

LOYALTY = Path(sys.executable).with_name("loyalty")


@pytest.fixture
async def counting_desk(make_container) -> AsyncIterator[tuple[Desk, CountingJob]]:
    """The desk's app with one counting job in place of the real ones."""
    container = await make_container(admin_api_token=TOKEN, repair_webhook_secret=SECRET)
    job = CountingJob()
    container.jobs = Jobs([job], JobDeps(container.uow, container.clock, container.rules, "Europe/Moscow"))
    async with running(container) as client:
        yield Desk(container, client), job


async def test_a_job_runs_once_per_date_over_http(counting_desk):
    desk, counting = counting_desk
    first = await desk.client.post("/api/v1/jobs/counting/run", params={"date": "2026-02-28"}, headers=AUTH)
    again = await desk.client.post("/api/v1/jobs/counting/run", params={"date": "2026-02-28"}, headers=AUTH)
    assert first.status_code == again.status_code == 200, first.text
    assert first.json() == {
        "job": "counting",
        "date": "2026-02-28",
        "status": "done",
        "counts": {"handled": 7},
        "details": {},
    }
    assert again.json()["status"] == "already_done" and again.json()["counts"] == {"handled": 7}
    assert counting.calls == [date(2026, 2, 28)]


async def test_without_a_date_the_job_does_todays_work_in_the_shops_time_zone(counting_desk):
    desk, counting = counting_desk
    desk.container.clock.set(datetime(2026, 11, 22, 21, 30, tzinfo=ZoneInfo("UTC")))  # 00:30 in Moscow
    response = await desk.client.post("/api/v1/jobs/counting/run", headers=AUTH)
    assert response.json()["date"] == "2026-11-23" and counting.calls == [date(2026, 11, 23)]


async def test_an_unknown_job_is_a_404_naming_the_known_jobs(counting_desk):
    desk, _job = counting_desk
    before = await desk.counts()
    response = await desk.client.post("/api/v1/jobs/nope/run", headers=AUTH)
    assert response.status_code == 404
    assert response.json()["detail"]["code"] == "job_not_found"
    assert "counting" in response.json()["detail"]["message"]
    assert await desk.counts() == before


@pytest.mark.parametrize("bad", ["2026-02-30", "22.11.2026", "tomorrow", "2026-13-01", "1900-01-01"])
async def test_a_bad_date_is_a_422_naming_it_and_runs_nothing(counting_desk, bad):
    desk, counting = counting_desk
    before = await desk.counts()
    response = await desk.client.post("/api/v1/jobs/counting/run", params={"date": bad}, headers=AUTH)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["query", "date"]
    assert counting.calls == [] and await desk.counts() == before


async def test_running_a_job_needs_the_bearer_token(counting_desk):
    desk, counting = counting_desk
    response = await desk.client.post("/api/v1/jobs/counting/run")
    assert response.status_code == 401 and counting.calls == []


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LOYALTY), "jobs", "run", *args],
        cwd=tmp_path,
        env={"PATH": str(LOYALTY.parent), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_refuses_an_unknown_job_with_exit_2_naming_the_known_ones(tmp_path: Path):
    result = _cli(tmp_path, "nope")
    assert result.returncode == 2
    assert "no job named 'nope'; known jobs:" in result.stderr.replace("\n", " ")
    assert not (tmp_path / "loyalty.db").exists()


def test_the_scheduler_fires_each_job_on_its_cron_in_the_shops_time_zone(uow_factory, clock, rules):
    jobs = Jobs([CountingJob()], JobDeps(uow_factory, clock, rules, "Asia/Vladivostok"))
    trigger = Scheduler(jobs, "Asia/Vladivostok").triggers()["counting"]
    after = datetime(2026, 11, 22, 12, 0, tzinfo=ZoneInfo("UTC"))  # 22:00 in Vladivostok
    fire = trigger.get_next_fire_time(None, after)
    assert fire is not None
    assert fire.isoformat() == "2026-11-23T03:00:00+10:00"


async def test_the_scheduler_starts_in_the_running_loop_and_stops(uow_factory, clock, rules):
    jobs = Jobs([CountingJob()], JobDeps(uow_factory, clock, rules, "Europe/Moscow"))
    scheduler = Scheduler(jobs, "Europe/Moscow")
    scheduler.start()
    try:
        assert scheduler.running and scheduler.next_fire("counting") is not None
    finally:
        scheduler.stop()
    assert not scheduler.running


def test_a_start_after_todays_time_finds_the_missed_run(uow_factory, clock, rules):
    jobs = Jobs([CountingJob()], JobDeps(uow_factory, clock, rules, "Europe/Moscow"))
    # 10:00 in Moscow: the 03:00 run of today has passed (a deploy, a crash overnight)
    assert Scheduler(jobs, "Europe/Moscow", clock=clock).missed() == [("counting", date(2026, 11, 22))]


async def test_the_scheduler_runs_a_missed_occurrence_at_start_and_retries_a_failed_run(
    uow_factory, clock, rules
):
    job = CountingJob(fail=True)
    jobs = Jobs([job], JobDeps(uow_factory, clock, rules, "Europe/Moscow"))
    scheduler = Scheduler(jobs, "Europe/Moscow", clock=clock, retry_delay=timedelta(milliseconds=50))
    scheduler.start()
    try:
        for _ in range(100):
            if len(job.calls) >= 2:
                job.fail = False  # the database is back
            if job.calls and not job.fail and len(job.calls) >= 3:
                break
            await asyncio.sleep(0.05)
    finally:
        scheduler.stop()
    assert job.calls[:3] == [date(2026, 11, 22)] * 3
    async with uow_factory() as uow:
        run = await uow.jobs.get("counting", "2026-11-22")
    assert run is not None and run.finished_at is not None  # done once, on the third try


async def test_the_reconciliation_publishes_its_mismatches_in_metrics(desk):
    cid = await desk.register()
    async with desk.container.engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE customers SET points_balance = points_balance + 1 WHERE id = :c"), {"c": cid}
        )
    response = await desk.client.post(
        "/api/v1/jobs/ledger_reconciliation/run", params={"date": "2026-11-22"}, headers=AUTH
    )
    assert response.json()["counts"] == {"customers": 1, "mismatches": 1}
    assert response.json()["details"] == {"mismatched_customer_ids": [cid]}
    metrics = (await desk.client.get("/metrics")).text
    assert "loyalty_ledger_mismatches 1.0" in metrics


def test_the_cli_runs_a_job_once_per_date_and_prints_its_answer(tmp_path: Path):
    first = _cli(tmp_path, "ledger_reconciliation", "--date", "2026-11-22")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "job": "ledger_reconciliation",
        "date": "2026-11-22",
        "status": "done",
        "counts": {"customers": 0, "mismatches": 0},
        "details": {"mismatched_customer_ids": []},
    }
    again = _cli(tmp_path, "ledger_reconciliation", "--date", "2026-11-22")
    assert json.loads(again.stdout)["status"] == "already_done"


@pytest.mark.parametrize("bad", ["2026-02-30", "22.11.2026", "2026-1-5", "soon"])
def test_the_cli_refuses_a_bad_date_with_exit_2(tmp_path: Path, bad):
    result = _cli(tmp_path, "ledger_reconciliation", "--date", bad)
    assert result.returncode == 2
    assert "--date" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert not (tmp_path / "loyalty.db").exists()


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01", "1999-12-31"])
def test_the_cli_refuses_a_year_out_of_range_with_exit_2_not_a_traceback(tmp_path: Path, far):
    result = _cli(tmp_path, "points_expiry", "--date", far)
    assert result.returncode == 2
    assert "the year must be between 2000 and 2100" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "loyalty.db").exists()


async def test_a_date_that_has_not_come_is_a_422_and_runs_nothing(counting_desk):
    desk, counting = counting_desk
    before = await desk.counts()
    tomorrow = "2026-11-23"  # the desk's clock says 22 November in Moscow
    response = await desk.client.post("/api/v1/jobs/counting/run", params={"date": tomorrow}, headers=AUTH)
    assert response.status_code == 422, response.text
    [detail] = response.json()["detail"]
    assert detail["loc"] == ["query", "date"] and "after today" in detail["msg"]
    assert counting.calls == [] and await desk.counts() == before


def test_the_cli_refuses_a_date_that_has_not_come_with_exit_2(tmp_path: Path):
    result = _cli(tmp_path, "points_expiry", "--date", "2099-01-01")
    assert result.returncode == 2
    assert "after today" in result.stderr.replace("\n", " ") and "Traceback" not in result.stderr


async def test_a_claim_left_unfinished_is_asked_again_until_it_can_be_taken_over(uow_factory, clock, rules):
    job = CountingJob()
    async with uow_factory() as uow:  # a run whose process died, its claim never released
        await uow.jobs.claim("counting", "2026-11-22", clock.now())
        await uow.commit()
    jobs = Jobs([job], JobDeps(uow_factory, clock, rules, "Europe/Moscow"))
    scheduler = Scheduler(jobs, "Europe/Moscow", clock=clock, retry_delay=timedelta(milliseconds=50))
    scheduler.start()
    try:
        await asyncio.sleep(0.2)
        assert job.calls == []  # claimed and not stale: left alone, asked again later
        clock.advance(timedelta(hours=2))  # now it is stale
        for _ in range(60):
            if job.calls:
                break
            await asyncio.sleep(0.05)
    finally:
        scheduler.stop()
    assert job.calls == [date(2026, 11, 22)]
