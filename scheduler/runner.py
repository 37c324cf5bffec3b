"""APScheduler fires each job on its cron in the shop's time zone; the database decides who runs it.

APScheduler keeps no state here (memory job store): every replica may fire the same trigger, and
the (job, day) claim in `job_runs` lets exactly one do the work. `start()` and `stop()` are called
by whatever starts the process's long-running parts.

Two things a daily cron alone would lose: a run that fails as a whole (the database away at 10:00)
is tried again the same day, after 5, 10, 20, 40 and 80 minutes; and a process that starts after
a job's time today (a deploy at 10:05, a crash at 09:59) runs that day's missed occurrence at once.
The claim keeps both to one run of the day.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from domain.clock import Clock, SystemClock
from domain.jobs import JobResult
from scheduler.jobs.base import Jobs

log = logging.getLogger(__name__)

# A trigger missed while the process was busy still fires within this window.
MISFIRE_GRACE_SECONDS = 6 * 3600
RETRY_DELAY = timedelta(minutes=5)
RETRIES = 5
# How far back a start looks for an occurrence it missed: one day's, not last week's.
CATCH_UP = timedelta(hours=24)


class Scheduler:
    def __init__(
        self,
        jobs: Jobs,
        timezone: str,
        *,
        clock: Clock | None = None,
        retry_delay: timedelta = RETRY_DELAY,
        retries: int = RETRIES,
    ) -> None:
        self._jobs = jobs
        self._tz = ZoneInfo(timezone)
        self._clock = clock or SystemClock()
        self._retry_delay = retry_delay
        self._retries = retries
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
        for name, day in self.missed():
            log.info("scheduler: %s for %s was due before this start; running it now", name, day)
            self._later(name, day, attempt=0, delay=timedelta(0))
        log.info("scheduler started: %s", ", ".join(sorted(self._jobs.names)) or "no jobs")

    def missed(self) -> list[tuple[str, date]]:
        """The claimed jobs whose latest occurrence passed within CATCH_UP, with its shop date."""
        now = self._clock.now()
        found = []
        for job in self._jobs.jobs:
            if not job.claims:
                continue  # an every-minute job catches up by itself
            latest = _latest_fire(CronTrigger.from_crontab(job.cron, timezone=self._tz), now)
            if latest is not None and now - latest <= CATCH_UP:
                found.append((job.name, latest.astimezone(self._tz).date()))
        return found

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

    async def _fire(self, name: str, day: date | None = None, attempt: int = 0) -> JobResult | None:
        when = day or self._jobs.today()
        try:
            result = await self._jobs.run(name, when)
        except Exception:  # logged by the runner; tried again the same day
            self._again(name, when, attempt, "failed")
            return None
        if result.unfinished:
            # claimed and not finished: another replica at work, or a run whose process died (or
            # whose claim could not be released); asked again until it is done or taken over
            self._again(name, when, attempt, "is claimed but unfinished")
        return result

    def _again(self, name: str, day: date, attempt: int, what: str) -> None:
        job = next((j for j in self._jobs.jobs if j.name == name), None)
        if job is not None and job.claims and attempt < self._retries:
            delay = self._retry_delay * 2**attempt
            log.warning("job %s for %s: attempt %s %s; again in %s", name, day, attempt + 1, what, delay)
            self._later(name, day, attempt=attempt + 1, delay=delay)

    def _later(self, name: str, day: date, *, attempt: int, delay: timedelta) -> None:
        if self._scheduler is None:
            return
        self._scheduler.add_job(
            self._fire,
            DateTrigger(run_date=datetime.now(UTC) + delay),  # APScheduler's time is the real one
            args=[name, day, attempt],
            id=f"{name}:{day.isoformat()}:again",
            replace_existing=True,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
        )


def _latest_fire(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The last occurrence at or before `now` within the last 40 days (CronTrigger only looks ahead)."""
    moment = now - timedelta(days=40)
    latest = None
    while True:
        fire = trigger.get_next_fire_time(None, moment.astimezone(UTC) + timedelta(microseconds=1))
        if fire is None or fire > now:
            return latest
        latest, moment = fire, fire
