"""Jobs run "as if today were DAY" in tests: the clock arrives at that day first, since a job refuses
a day that has not come yet (domain/jobs.py FutureDay)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from domain.clock import FixedClock
from domain.jobs import JobResult


def arrive(clock: FixedClock, day: date, timezone: str = "Europe/Moscow") -> None:
    """The shop's midnight starting `day`, unless the clock is on that day or later already."""
    midnight = datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    if clock.now() < midnight:
        clock.set(midnight)


class ArrivingJobs:
    def __init__(self, jobs: Any, clock: FixedClock, timezone: str = "Europe/Moscow") -> None:
        self._jobs, self._clock, self._tz = jobs, clock, timezone

    def __getattr__(self, name: str) -> Any:
        return getattr(self._jobs, name)

    async def run(self, name: str, day: date) -> JobResult:
        arrive(self._clock, day, self._tz)
        result: JobResult = await self._jobs.run(name, day)
        return result
