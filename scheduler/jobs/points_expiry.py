"""Daily: expire the lots whose term ended before the day began, and warn of the coming ones.

"The day" is the shop's date. A lot whose term ends during day D is usable through D and is
expired by the run of D + 1 (never early). The warning goes out `expiry.warn_days_ahead` days
before that date, or at the first run after a lot enters the window, and once per lot.
Each lot is its own unit of work: one that fails is logged and skipped, never the batch.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from domain.jobs import JobOutcome, start_of_day
from domain.services.expiry import expire_due_lot, warn_of_expiry
from scheduler.jobs.base import Job, JobDeps

log = logging.getLogger(__name__)

BATCH = 500


class PointsExpiry(Job):
    name = "points_expiry"
    cron = "0 10 * * *"  # after the night, so warnings do not wake anyone up

    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        as_of = start_of_day(day, deps.timezone)
        expired, points, failed = await self._expire(deps, as_of)
        horizon = start_of_day(day + timedelta(days=deps.rules.expiry.warn_days_ahead + 1), deps.timezone)
        warned, warn_failed = await self._warn(deps, as_of, horizon)
        return JobOutcome(
            counts={
                "lots_expired": expired,
                "points_expired": points,
                "warnings": warned,
                "failed": failed + warn_failed,
            }
        )

    async def _expire(self, deps: JobDeps, as_of: datetime) -> tuple[int, int, int]:
        expired = points = failed = 0
        stuck: set[int] = set()  # lots left due after their turn (failed, or nothing to take)
        while True:
            async with deps.uow() as uow:
                due = await uow.ledger.due_lots(as_of, limit=BATCH + len(stuck))
            todo = [lot.id for lot in due if lot.id is not None and lot.id not in stuck]
            if not todo:
                return expired, points, failed
            for lot_id in todo:
                try:
                    async with deps.uow() as uow:
                        done = await expire_due_lot(uow, lot_id=lot_id, as_of=as_of)
                        await uow.commit()
                except Exception:
                    log.exception("points_expiry: lot %s could not be expired; skipped", lot_id)
                    failed += 1
                    stuck.add(lot_id)
                    continue
                if done is None:
                    stuck.add(lot_id)
                else:
                    expired, points = expired + 1, points + done.points

    async def _warn(self, deps: JobDeps, as_of: datetime, horizon: datetime) -> tuple[int, int]:
        warned = failed = 0
        async with deps.uow() as uow:
            lots = await uow.ledger.lots_expiring_between(as_of, horizon)
        for lot in lots:
            try:
                async with deps.uow() as uow:
                    if await warn_of_expiry(uow, lot=lot, timezone=deps.timezone, now=deps.clock.now()):
                        warned += 1
                    await uow.commit()
            except Exception:
                log.exception("points_expiry: warning for lot %s failed; skipped", lot.id)
                failed += 1
        return warned, failed
