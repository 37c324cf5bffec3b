"""Daily: the "days in the program" badges (e.g. a year with us), the ones no event brings.

For each such badge of the rules, the members who lack it and had been in the program for its
number of whole days by the end of the shop's day are read in pages by customer id (the store
skips deleted and unconsented members and those who hold it already), and each is awarded in a
unit of work of its own. The award is insert-or-ignore on (customer, badge) and its message has
the dedupe key `badge:<customer>:<key>`, so a second run, a second replica or a run taken over
after a crash awards and announces nothing twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, timedelta

from domain.badges import BadgeCondition
from domain.jobs import JobOutcome, start_of_day
from domain.services.badges import award_badges
from scheduler.jobs.base import Job, JobDeps

log = logging.getLogger(__name__)

BATCH = 500
DAYS_ONLY = frozenset({BadgeCondition.DAYS_IN_PROGRAM})


class BadgeReview(Job):
    name = "badge_review"
    cron = "30 10 * * *"  # in the morning, after the birthday greetings

    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        # the day's last moment: joined at 00:00 the next date, a member is a whole day short
        day_end = start_of_day(day + timedelta(days=1), deps.timezone).astimezone(UTC) - timedelta(
            microseconds=1
        )
        awarded = failed = 0
        for badge in (b for b in deps.rules.badges if b.condition is BadgeCondition.DAYS_IN_PROGRAM):
            registered_before = day_end - timedelta(days=badge.value)
            after = 0
            while True:
                async with deps.uow() as uow:
                    ids = await uow.badges.members_without(
                        badge.key, registered_before, after_id=after, limit=BATCH
                    )
                for customer_id in ids:
                    try:
                        async with deps.uow() as uow:
                            keys = await award_badges(
                                uow,
                                deps.rules,
                                customer_id,
                                deps.clock.now(),
                                conditions=DAYS_ONLY,
                                as_of=day_end,
                            )
                            await uow.commit()
                    except Exception:
                        log.exception("badge_review: customer %s failed; skipped", customer_id)
                        failed += 1
                        continue
                    awarded += len(keys)
                if len(ids) < BATCH:
                    break
                after = ids[-1]
        return JobOutcome(counts={"awarded": awarded, "failed": failed})
