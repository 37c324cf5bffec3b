"""Every minute: start the campaigns whose time has come, snapshot their segments, close finished runs.

Not claimed per day (`claims = False`): a campaign run is its own claim (one per occurrence), and
each step locks the campaign row, so two replicas firing the same minute take turns on a run and
never queue a recipient twice. The date of `jobs run campaigns --date` only names the run: the
job works on the present moment.
"""

from __future__ import annotations

import logging
from datetime import date

from domain.jobs import JobOutcome
from domain.services.campaigns import finish_campaign_run, start_campaign_run, take_snapshot_page
from scheduler.jobs.base import Job, JobDeps
from scheduler.recurrence import CronSchedules

log = logging.getLogger(__name__)

DUE_BATCH = 100
# Customer ids looked at per transaction: large enough that 100 000 recipients take a second or
# two, small enough that SQLite's write lock is never held for long.
PAGE = 5000


class Campaigns(Job):
    name = "campaigns"
    cron = "* * * * *"
    claims = False

    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        schedules = CronSchedules(deps.timezone, deps.clock)
        started = pages = finished = failed = 0
        async with deps.uow() as uow:
            due = await uow.campaigns.due(deps.clock.now(), DUE_BATCH)
        for campaign_id in due:
            try:
                async with deps.uow() as uow:
                    run = await start_campaign_run(
                        uow, campaign_id, schedules=schedules, now=deps.clock.now()
                    )
                    await uow.commit()
            except Exception:
                log.exception("campaigns: campaign %s could not start; tried again next minute", campaign_id)
                failed += 1
                continue
            started += run is not None
        async with deps.uow() as uow:
            runs = await uow.campaigns.open_runs(DUE_BATCH)
        for run in runs:
            assert run.id is not None
            try:
                complete = run.snapshot_done
                while not complete:
                    async with deps.uow() as uow:
                        complete = await take_snapshot_page(
                            uow, run.id, rules=deps.rules, now=deps.clock.now(), page=PAGE
                        )
                        await uow.commit()
                    pages += 1
                async with deps.uow() as uow:
                    closed = await finish_campaign_run(uow, run.id, deps.clock.now())
                    await uow.commit()
            except Exception:
                log.exception("campaigns: run %s failed; resumed next minute", run.id)
                failed += 1
                continue
            finished += closed
        return JobOutcome(
            counts={"started": started, "snapshot_pages": pages, "finished": finished, "failed": failed}
        )
