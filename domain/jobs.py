"""Scheduled jobs as the domain sees them: runs claimed once per (job, day), and the runner port.

A run is "the work due on one day in the shop's time zone". Coordination lives in the database:
the first to claim (job, day) does the work; a repeat, or a second replica, gets `already_done`.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.errors import DomainError, NotFound

# A claim whose run never finished (the process died) may be taken over after this long.
STALE_RUN = timedelta(hours=1)


class RunStatus(StrEnum):
    DONE = "done"
    ALREADY_DONE = "already_done"


@dataclass(frozen=True)
class JobRun:
    job: str
    run_key: str
    started_at: datetime
    finished_at: datetime | None = None
    detail: str | None = None


@dataclass(frozen=True)
class JobOutcome:
    """What a run did: counts, and the ids an operator must look at (mismatched accounts)."""

    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class JobResult:
    job: str
    day: date
    status: RunStatus
    counts: dict[str, int] = field(default_factory=dict)
    details: dict[str, list[int]] = field(default_factory=dict)
    # `already_done` for a claim whose run has not finished: still running elsewhere, or its process
    # died (taken over once it is stale); the scheduler asks again later
    unfinished: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "job": self.job,
            "date": self.day.isoformat(),
            "status": self.status.value,
            "counts": self.counts,
            "details": self.details,
        }


class UnknownJob(NotFound):
    code = "job_not_found"

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(f"no job named {name!r}; known jobs: {', '.join(known)}")
        self.known = known


class FutureDay(DomainError):
    """A run for a shop date after today: it would do that day's work early (expire points before
    their last day, use up a later month's tier review), so it is refused."""

    code = "date_in_future"

    def __init__(self, day: date, today: date) -> None:
        super().__init__(
            f"{day.isoformat()} is after today ({today.isoformat()}): "
            "a job does the work of a day once that day has come"
        )
        self.day = day
        self.today = today


class JobRunner(abc.ABC):
    """Runs one named job for one shop day, once."""

    @property
    @abc.abstractmethod
    def names(self) -> tuple[str, ...]: ...

    @abc.abstractmethod
    def today(self) -> date:
        """Today in the shop's time zone."""

    @abc.abstractmethod
    async def run(self, name: str, day: date) -> JobResult:
        """Raises UnknownJob for a name not in `names`, FutureDay for a day after today."""


def shop_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def start_of_day(day: date, timezone: str) -> datetime:
    """Midnight at the start of `day` in the shop's time zone, as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(timezone))
