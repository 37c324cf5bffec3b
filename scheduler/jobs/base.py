"""What every job shares: its dependencies, its schedule, and the run claimed once per (job, day).

The claim is a row in `job_runs` under the job's run key (the date; a monthly job's: its month),
committed before the work starts, so a second run of the same key (a repeat, another replica, the
CLI while the scheduler runs) answers `already_done` and does nothing. The work underneath is
idempotent too (source keys, dedupe keys), so a run taken over after a crash, or retried after a
failure, never pays or sends anything twice.
"""

from __future__ import annotations

import abc
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.clock import Clock
from domain.jobs import (
    STALE_RUN,
    FutureDay,
    JobOutcome,
    JobResult,
    JobRunner,
    RunStatus,
    UnknownJob,
    shop_day,
)
from domain.ports import UnitOfWork
from domain.rules import ProgramRules

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobDeps:
    """The few parts a job uses; each job opens its own units of work."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    rules: ProgramRules
    timezone: str


class Job(abc.ABC):
    name: str
    # A crontab line ("minute hour day month weekday"), read by APScheduler's CronTrigger in the
    # shop's time zone (scheduler/runner.py).
    cron: str
    # False for a job whose work is coordinated row by row instead (campaigns, every minute): a
    # claim per day would let it run once a day, and one per minute would fill `job_runs`.
    claims: bool = True

    def run_key(self, day: date) -> str:
        """What a run claims: the shop's date, so a daily job does its work once a day."""
        return day.isoformat()

    @abc.abstractmethod
    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        """Do the work due on `day` (the shop's date); say what was done."""

    def on_result(self, result: JobResult) -> None:  # noqa: B027  (optional hook, no-op by default)
        """A hook for jobs that publish their result (metrics); called for fresh and earlier runs."""


class Jobs(JobRunner):
    def __init__(self, jobs: Sequence[Job], deps: JobDeps) -> None:
        self._jobs = {job.name: job for job in jobs}
        self._deps = deps

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._jobs)

    @property
    def jobs(self) -> tuple[Job, ...]:
        return tuple(self._jobs.values())

    def today(self) -> date:
        return shop_day(self._deps.clock.now(), self._deps.timezone)

    async def run(self, name: str, day: date) -> JobResult:
        job = self._jobs.get(name)
        if job is None:
            raise UnknownJob(name, self.names)
        if day > self.today():
            raise FutureDay(day, self.today())
        if not job.claims:
            outcome = await job.run(self._deps, day)
            result = JobResult(name, day, RunStatus.DONE, counts=outcome.counts, details=outcome.details)
            job.on_result(result)
            return result
        key = job.run_key(day)
        if not await self._claim(name, key):
            earlier = await self._earlier(name, key, day)
            job.on_result(earlier)
            return earlier
        try:
            outcome = await job.run(self._deps, day)
        except Exception:
            log.exception("job %s for %s failed; its claim is released for the next attempt", name, key)
            async with self._deps.uow() as uow:
                await uow.jobs.release(name, key)
                await uow.commit()
            raise
        async with self._deps.uow() as uow:
            detail = {"counts": outcome.counts, "details": outcome.details}
            await uow.jobs.finish(name, key, self._deps.clock.now(), json.dumps(detail, sort_keys=True))
            await uow.commit()
        result = JobResult(name, day, RunStatus.DONE, counts=outcome.counts, details=outcome.details)
        log.info("job %s for %s done: %s", name, key, outcome.counts)
        job.on_result(result)
        return result

    async def _claim(self, name: str, key: str) -> bool:
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            claimed = await uow.jobs.claim(name, key, now)
            if not claimed:
                run = await uow.jobs.get(name, key)
                stale = run is not None and run.finished_at is None and run.started_at <= now - STALE_RUN
                if stale and run is not None:
                    claimed = await uow.jobs.take_over(name, key, run.started_at, now)
                    if claimed:
                        log.warning(
                            "job %s for %s: taking over a run started at %s", name, key, run.started_at
                        )
            await uow.commit()
        return claimed

    async def _earlier(self, name: str, key: str, day: date) -> JobResult:
        """The answer for a day already claimed: the earlier run's counts once it has finished."""
        async with self._deps.uow() as uow:
            run = await uow.jobs.get(name, key)
        stored: dict[str, Any] = json.loads(run.detail) if run is not None and run.detail else {}
        return JobResult(
            name,
            day,
            RunStatus.ALREADY_DONE,
            counts={k: int(v) for k, v in stored.get("counts", {}).items()},
            details={k: [int(i) for i in v] for k, v in stored.get("details", {}).items()},
            unfinished=run is not None and run.finished_at is None,
        )
