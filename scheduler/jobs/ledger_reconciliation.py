"""Nightly: stored balance == sum of entries == sum of lot remainders, for every customer.

It reports and never repairs. Mismatches appear in the run's answer (count and the first ids)
and in /metrics, so an alert can page someone; the ledger stays exactly as it was found.
"""

from __future__ import annotations

from datetime import date

from prometheus_client import Gauge

from domain.jobs import JobOutcome, JobResult
from scheduler.jobs.base import Job, JobDeps

MAX_IDS = 1000  # the answer lists at most this many ids; the count is always complete

MISMATCHES = Gauge(
    "loyalty_ledger_mismatches",
    "Customers whose stored balance differs from the sum of their entries or of their lots, "
    "at the last ledger reconciliation this process ran or read",
)
LAST_RUN = Gauge(
    "loyalty_ledger_reconciliation_date_seconds",
    "The shop date (as a Unix timestamp of its midnight UTC) of that reconciliation",
)


class LedgerReconciliation(Job):
    name = "ledger_reconciliation"
    cron = "30 3 * * *"

    async def run(self, deps: JobDeps, day: date) -> JobOutcome:
        async with deps.uow() as uow:
            report = await uow.audit.reconcile(limit=MAX_IDS)
        return JobOutcome(
            counts={"customers": report.customers, "mismatches": report.mismatches},
            details={"mismatched_customer_ids": [m.customer_id for m in report.sample]},
        )

    def on_result(self, result: JobResult) -> None:
        if "mismatches" in result.counts:  # an earlier run still in progress has no counts yet
            MISMATCHES.set(result.counts["mismatches"])
            LAST_RUN.set(_epoch(result.day))


def _epoch(day: date) -> int:
    return (day - date(1970, 1, 1)).days * 86400
