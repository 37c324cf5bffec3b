"""A job's day is claimed in the database: twice, or on two replicas at once, its work is done once."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from domain.jobs import JobOutcome, RunStatus, UnknownJob
from scheduler.jobs import Job, JobDeps, Jobs
from store.tables import job_runs
from tests.builders import uow_on
from tests.day_jobs import ArrivingJobs

DAY = date(2026, 11, 22)


class CountingJob(Job):
    """Not idempotent by itself: every call counts, so only the claim can keep it to one."""

    name = "counting"
    cron = "0 3 * * *"

    def __init__(self, pause: float = 0.0, fail: bool = False) -> None:
        self.calls: list[date] = []
        self.pause, self.fail = pause, fail

    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        self.calls.append(day)
        await asyncio.sleep(self.pause)
        if self.fail:
            raise RuntimeError("the job broke")
        return JobOutcome(counts={"handled": 7})


def _jobs(uow_factory, clock, rules, job: Job) -> Jobs:
    return ArrivingJobs(Jobs([job], JobDeps(uow_factory, clock, rules, "Europe/Moscow")), clock)


async def test_a_job_run_twice_for_one_day_does_its_work_once(uow_factory, clock, rules):
    job = CountingJob()
    jobs = _jobs(uow_factory, clock, rules, job)
    first = await jobs.run("counting", DAY)
    again = await jobs.run("counting", DAY)
    assert first.as_dict() == {
        "job": "counting",
        "date": "2026-11-22",
        "status": "done",
        "counts": {"handled": 7},
        "details": {},
    }
    assert again.status == RunStatus.ALREADY_DONE and again.counts == {"handled": 7}
    assert job.calls == [DAY]
    next_day = await jobs.run("counting", DAY + timedelta(days=1))
    assert next_day.status == RunStatus.DONE and job.calls == [DAY, DAY + timedelta(days=1)]


async def test_two_replicas_running_the_same_day_at_once_do_the_work_once(database, engine, clock, rules):
    other_engine = database.engine()  # a second replica: its own engine and pool
    try:
        job_a, job_b = CountingJob(pause=0.3), CountingJob(pause=0.3)
        replica_a = _jobs(uow_on(engine, rules), clock, rules, job_a)
        replica_b = _jobs(uow_on(other_engine, rules), clock, rules, job_b)
        results = await asyncio.gather(replica_a.run("counting", DAY), replica_b.run("counting", DAY))
    finally:
        await other_engine.dispose()
    assert sorted(r.status for r in results) == [RunStatus.ALREADY_DONE, RunStatus.DONE]
    assert len(job_a.calls) + len(job_b.calls) == 1


async def test_a_failed_run_releases_its_day_for_the_next_attempt(uow_factory, clock, rules):
    job = CountingJob(fail=True)
    jobs = _jobs(uow_factory, clock, rules, job)
    with pytest.raises(RuntimeError):
        await jobs.run("counting", DAY)
    job.fail = False
    assert (await jobs.run("counting", DAY)).status == RunStatus.DONE
    assert job.calls == [DAY, DAY]


async def _plant_unfinished_claim(engine, started_at) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(job_runs).values(job="counting", run_key=DAY.isoformat(), started_at=started_at)
        )


async def test_a_run_that_died_long_ago_is_taken_over(engine, uow_factory, clock, rules):
    await _plant_unfinished_claim(engine, clock.now() - timedelta(hours=2))
    job = CountingJob()
    assert (await _jobs(uow_factory, clock, rules, job).run("counting", DAY)).status == RunStatus.DONE
    assert job.calls == [DAY]
    async with engine.connect() as conn:
        detail = await conn.scalar(sa.select(job_runs.c.detail))
    assert json.loads(detail) == {"counts": {"handled": 7}, "details": {}}


async def test_a_run_still_in_progress_elsewhere_is_left_alone(engine, uow_factory, clock, rules):
    await _plant_unfinished_claim(engine, clock.now() - timedelta(minutes=5))
    job = CountingJob()
    result = await _jobs(uow_factory, clock, rules, job).run("counting", DAY)
    assert (result.status, result.counts, job.calls) == (RunStatus.ALREADY_DONE, {}, [])


async def test_an_unknown_job_is_refused_naming_the_known_ones(uow_factory, clock, rules):
    with pytest.raises(UnknownJob) as refused:
        await _jobs(uow_factory, clock, rules, CountingJob()).run("nope", DAY)
    assert "counting" in str(refused.value)


class MonthlyJob(CountingJob):
    name = "counting"
    cron = "0 9 1 * *"

    def run_key(self, day: date) -> str:
        return f"{day:%Y-%m}"


async def test_a_job_that_claims_its_month_does_its_work_once_whatever_date_it_is_run_with(
    engine, uow_factory, clock, rules
):
    job = MonthlyJob()
    jobs = _jobs(uow_factory, clock, rules, job)
    first = await jobs.run("counting", date(2026, 12, 1))
    later = await jobs.run("counting", date(2026, 12, 17))
    assert (first.status, later.status) == (RunStatus.DONE, RunStatus.ALREADY_DONE)
    assert later.counts == {"handled": 7}
    assert (await jobs.run("counting", date(2027, 1, 1))).status == RunStatus.DONE
    assert job.calls == [date(2026, 12, 1), date(2027, 1, 1)]
    async with engine.connect() as conn:
        keys = (await conn.scalars(sa.select(job_runs.c.run_key).order_by(job_runs.c.run_key))).all()
    assert keys == ["2026-12", "2027-01"]
