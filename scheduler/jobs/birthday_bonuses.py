"""Daily: the birthday bonus and greeting for everyone whose birthday the shop's date is."""

from __future__ import annotations

import logging
from datetime import date

from domain.birthday_bonus import celebrated_dates
from domain.jobs import JobOutcome, start_of_day
from domain.services.birthdays import grant_birthday_bonus
from scheduler.jobs.base import Job, JobDeps

log = logging.getLogger(__name__)

BATCH = 500


class BirthdayBonuses(Job):
    name = "birthday_bonuses"
    cron = "0 10 * * *"  # a greeting in the morning, not at midnight

    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        day_start = start_of_day(day, deps.timezone)
        granted = points = not_eligible = failed = 0
        after = 0
        while True:
            async with deps.uow() as uow:
                ids = await uow.birthdays.born_on(celebrated_dates(day), after_id=after, limit=BATCH)
            for customer_id in ids:
                try:
                    async with deps.uow() as uow:
                        result = await grant_birthday_bonus(
                            uow,
                            deps.rules,
                            customer_id=customer_id,
                            day=day,
                            day_start=day_start,
                            timezone=deps.timezone,
                            now=deps.clock.now(),
                        )
                        await uow.commit()
                except Exception:
                    log.exception("birthday_bonuses: customer %s failed; skipped", customer_id)
                    failed += 1
                    continue
                if result is None:
                    not_eligible += 1
                elif not result.duplicate:
                    granted, points = granted + 1, points + result.entry.points
            if len(ids) < BATCH:
                break
            after = ids[-1]
        return JobOutcome(
            counts={"granted": granted, "points": points, "not_eligible": not_eligible, "failed": failed}
        )
