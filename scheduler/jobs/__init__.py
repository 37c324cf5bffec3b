"""The scheduled jobs, registered in one place: one file per job, one line per job here."""

from __future__ import annotations

from domain.feedback import FeedbackRules
from domain.rules import ProgramRules
from scheduler.jobs.badge_review import BadgeReview
from scheduler.jobs.base import Job, JobDeps, Jobs
from scheduler.jobs.birthday_bonuses import BirthdayBonuses
from scheduler.jobs.campaigns import Campaigns
from scheduler.jobs.feedback_requests import FeedbackRequests
from scheduler.jobs.ledger_reconciliation import LedgerReconciliation
from scheduler.jobs.points_expiry import PointsExpiry
from scheduler.jobs.tier_review import TierReview


def all_jobs(rules: ProgramRules | None = None) -> tuple[Job, ...]:
    """Every job of PRODUCT.md that exists so far, in the order an operator reads them; `rules`
    sets the times the rules file chooses (feedback's `ask_at`), else their defaults."""
    feedback = rules.feedback if rules is not None else FeedbackRules()
    return (
        BirthdayBonuses(),
        PointsExpiry(),
        Campaigns(),
        TierReview(),
        LedgerReconciliation(),
        BadgeReview(),
        FeedbackRequests(feedback.ask_at),
    )


def build_jobs(deps: JobDeps, jobs: tuple[Job, ...] | None = None) -> Jobs:
    return Jobs(all_jobs(deps.rules) if jobs is None else jobs, deps)


__all__ = ["Job", "JobDeps", "Jobs", "all_jobs", "build_jobs"]
