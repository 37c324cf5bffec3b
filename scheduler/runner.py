"""APScheduler fires each job on its cron in the shop's time zone; the database decides who runs it.

APScheduler keeps no state here (memory job store): every replica may fire the same trigger, and
the (job, day) claim in `job_runs` lets exactly one do the work. `start()` and `stop()` are called
by whatever starts the process's long-running parts.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from domain.jobs import JobResult
from scheduler.jobs.base import Jobs

log = logging.getLogger(__name__)

# A trigger missed while the process was down or busy still fires within this window.
MISFIRE_GRACE_SECONDS = 6 * 3600


class Scheduler:
    def __init__(self, jobs: Jobs, timezone: str) -> None:
        self._jobs = jobs
        self._tz = ZoneInfo(timezone)
        self._scheduler: AsyncIOScheduler | None = None

    def triggers(self) -> dict[str, CronTrigger]:
        return {job.name: CronTrigger.from_crontab(job.cron, timezone=self._tz) for job in self._jobs.jobs}

    def start(self) -> None:
        """Needs the running event loop (call it from async code)."""
        scheduler = AsyncIOScheduler(timezone=self._tz)
        for name, trigger in self.triggers().items():
            scheduler.add_job(
                self._fire,
                trigger,
                args=[name],
                id=name,
                name=name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=MISFIRE_GRACE_SECONDS,
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started: %s", ", ".join(sorted(self._jobs.names)) or "no jobs")

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def next_fire(self, name: str) -> datetime | None:
        job = self._scheduler.get_job(name) if self._scheduler is not None else None
        return job.next_run_time if job is not None else None

    def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    async def _fire(self, name: str) -> JobResult | None:
        try:
            return await self._jobs.run(name, self._jobs.today())
        except Exception:  # logged by the runner; the next trigger tries again
            return None
