"""A campaign's `cron`, read by APScheduler's CronTrigger in the shop's time zone (no parser of ours).

What it refuses: anything CronTrigger cannot read; a weekday given as a number, since crontab counts
0 as Sunday and APScheduler 3 counts 0 as Monday (the same line would fire on another day than
the marketer meant: names like MON-FRI mean the same everywhere); a schedule that never fires;
and one that fires more than once an hour, checked over its next occurrences.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from domain.campaigns import InvalidCampaign, Recurrence, Schedules
from domain.clock import Clock

MIN_GAP = timedelta(hours=1)
CHECKED_OCCURRENCES = 200  # covers every hour of a week-long pattern's busiest day, and then some
_DIGIT = re.compile(r"\d")


class CronRecurrence(Recurrence):
    def __init__(self, trigger: CronTrigger, timezone: ZoneInfo) -> None:
        self._trigger = trigger
        self._tz = timezone

    def next_after(self, moment: datetime) -> datetime | None:
        # CronTrigger answers the first fire time at or after its argument; a microsecond later
        # makes it strictly after. When the clocks go back, a wall-clock time happens twice and
        # CronTrigger fires on both: the second (the same local time as `moment`) is skipped.
        # Arithmetic in UTC: a local time in the repeated hour plus a microsecond loses its `fold`
        # and lands before itself, and CronTrigger would answer the same time again forever.
        local = moment.astimezone(self._tz).replace(tzinfo=None, fold=0)
        fire = self._trigger.get_next_fire_time(None, moment.astimezone(UTC) + timedelta(microseconds=1))
        while fire is not None and fire.replace(tzinfo=None, fold=0) == local:
            fire = self._trigger.get_next_fire_time(None, fire.astimezone(UTC) + timedelta(microseconds=1))
        return None if fire is None else fire.astimezone(UTC)


class CronSchedules(Schedules):
    def __init__(self, timezone: str, clock: Clock) -> None:
        self._tz = ZoneInfo(timezone)
        self._clock = clock

    def parse(self, expression: str) -> Recurrence:
        fields = expression.split()
        if len(fields) != 5:
            raise InvalidCampaign("cron", "needs five fields: minute hour day month weekday")
        if _DIGIT.search(fields[4]):
            raise InvalidCampaign(
                "cron",
                "write weekdays as names (MON, TUE, ..., SUN, or MON-FRI): crontabs disagree on numbers",
            )
        if fields[2] not in ("*", "?") and fields[4] not in ("*", "?"):
            raise InvalidCampaign(
                "cron",
                "give days of the month or weekdays, not both "
                "(crontabs fire on either, APScheduler only on both)",
            )
        try:
            trigger = CronTrigger.from_crontab(expression, timezone=self._tz)
        except ValueError as exc:
            raise InvalidCampaign("cron", f"not a valid crontab line: {exc}") from None
        recurrence = CronRecurrence(trigger, self._tz)
        self._check_frequency(recurrence)
        return recurrence

    def _check_frequency(self, recurrence: CronRecurrence) -> None:
        moment = self._clock.now()
        previous = recurrence.next_after(moment)
        if previous is None:
            raise InvalidCampaign("cron", "never fires")
        for _ in range(CHECKED_OCCURRENCES):
            following = recurrence.next_after(previous)
            if following is None:
                return
            if following - previous < MIN_GAP:
                raise InvalidCampaign("cron", "fires more than once an hour")
            previous = following
