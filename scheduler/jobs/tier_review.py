"""Monthly: every member above the base tier gets the tier the window's spend supports.

Upgrades happen at once when a repair is paid; this is where a tier goes down, once a month at
most, with a message naming the new tier, its rate, and what the window's spend lacks to regain
the old one. The run claims the month, so whatever date it is run with, it reviews once a month.
One query finds the members and their spend; only those whose spend no longer matches their tier
open a unit of work each, which locks the member and decides again on fresh figures.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from domain.jobs import JobOutcome, start_of_day
from domain.services.tiers import review_member_tier
from domain.tiers import review_month, tier_for_spend
from scheduler.jobs.base import Job, JobDeps

log = logging.getLogger(__name__)

BATCH = 500


class TierReview(Job):
    name = "tier_review"
    cron = "0 9 1 * *"  # the 1st of the month, in the morning

    def run_key(self, day: date) -> str:
        return review_month(day)

    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        rules = deps.rules
        since = start_of_day(day, deps.timezone) - timedelta(days=rules.tier_window_days)
        counts = dict.fromkeys(("downgraded", "upgraded", "kept", "failed"), 0)
        after = 0
        while True:
            async with deps.uow() as uow:
                members = await uow.repairs.spend_of_members_above(
                    rules.tiers[0].key, since, after_id=after, limit=BATCH
                )
            for member in members:
                if tier_for_spend(rules, member.spent_minor).key == member.tier:
                    counts["kept"] += 1
                    continue
                try:
                    async with deps.uow() as uow:
                        decision = await review_member_tier(
                            uow,
                            rules,
                            customer_id=member.customer_id,
                            day=day,
                            timezone=deps.timezone,
                            now=deps.clock.now(),
                        )
                        await uow.commit()
                except Exception:
                    log.exception("tier_review: customer %s failed; skipped", member.customer_id)
                    counts["failed"] += 1
                    continue
                if decision is not None:  # None: deleted since the query, not a member any more
                    counts[decision.value] += 1
            if len(members) < BATCH:
                break
            after = members[-1].customer_id
        return JobOutcome(counts={"reviewed": sum(counts.values()), **counts})
