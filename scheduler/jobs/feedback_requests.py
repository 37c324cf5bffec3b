"""Daily at the rules' `feedback.ask_at`: rate-your-repair requests for the repairs completed
`feedback.delay_days` shop days before.

The repairs are read in pages by repair id (the store skips cancelled ones, deleted and unconsented
customers and repairs asked already), and each is asked in a unit of work of its own. The request
is insert-or-ignore on the order and its message has the dedupe key `feedback:<order>`, so a
second run, a second replica or a run taken over after a crash asks nothing twice. A run that
comes late (a catch-up, a retry) still never sends in the quiet hours: its messages are due when
they end.
"""

from __future__ import annotations

import logging
from datetime import date, time

from domain.feedback_schedule import completed_window, send_moment
from domain.jobs import JobOutcome
from domain.services.feedback import ask_for_feedback
from scheduler.jobs.base import Job, JobDeps

log = logging.getLogger(__name__)

BATCH = 500


class FeedbackRequests(Job):
    name = "feedback_requests"

    def __init__(self, ask_at: time = time(11, 0)) -> None:
        self.cron = f"{ask_at.minute} {ask_at.hour} * * *"

    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        rules, marketing = deps.rules.feedback, deps.rules.marketing
        start, end = completed_window(day, rules, deps.timezone)
        send_at = send_moment(
            day, rules, marketing.quiet_start, marketing.quiet_end, deps.timezone, deps.clock.now()
        )
        asked = skipped = failed = 0
        after = 0
        while True:
            async with deps.uow() as uow:
                due = await uow.feedback.due(start, end, after_id=after, limit=BATCH)
            for repair in due:
                try:
                    async with deps.uow() as uow:
                        made = await ask_for_feedback(
                            uow, rules, repair, now=deps.clock.now(), send_at=send_at
                        )
                        await uow.commit()
                except Exception:
                    log.exception("feedback_requests: order %s failed; skipped", repair.order_id)
                    failed += 1
                    continue
                if made:
                    asked += 1
                else:
                    skipped += 1
            if len(due) < BATCH:
                break
            after = due[-1].repair_id
        return JobOutcome(counts={"asked": asked, "skipped": skipped, "failed": failed})
