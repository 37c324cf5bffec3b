"""Personal offers: rules from the program file over the customer's repair history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from domain.repairs import Repair, RepairStatus
from domain.rules import Offer, OfferConditions, ProgramRules


@dataclass(frozen=True)
class CustomerHistory:
    tier: str
    visits: int
    total_minor: int
    last_visit: datetime | None
    last_by_category: dict[str, datetime] = field(default_factory=dict)

    @property
    def avg_check_minor(self) -> int:
        return self.total_minor // self.visits if self.visits else 0


def history_from(repairs: list[Repair], tier: str) -> CustomerHistory:
    """A visit is a completed repair; money is what was paid for it."""
    done = [r for r in repairs if r.status == RepairStatus.COMPLETED and r.completed_at is not None]
    last_by_category: dict[str, datetime] = {}
    for r in done:
        assert r.completed_at is not None
        key = r.device_category.value
        if key not in last_by_category or r.completed_at > last_by_category[key]:
            last_by_category[key] = r.completed_at
    return CustomerHistory(
        tier=tier,
        visits=len(done),
        total_minor=sum(r.paid_money_minor or r.amount_minor or 0 for r in done),
        last_visit=max((r.completed_at for r in done if r.completed_at), default=None),
        last_by_category=last_by_category,
    )


def offer_applies(c: OfferConditions, history: CustomerHistory, now: datetime) -> bool:
    if c.tiers and history.tier not in c.tiers:
        return False
    if c.device_categories and not c.device_categories & history.last_by_category.keys():
        return False
    if c.min_visits is not None and history.visits < c.min_visits:
        return False
    if c.max_visits is not None and history.visits > c.max_visits:
        return False
    if c.min_avg_check_minor is not None and history.avg_check_minor < c.min_avg_check_minor:
        return False
    if c.last_visit_older_than_days is not None and (
        history.last_visit is None or now - history.last_visit < timedelta(days=c.last_visit_older_than_days)
    ):
        return False
    if c.last_visit_within_days is not None and (
        history.last_visit is None or now - history.last_visit > timedelta(days=c.last_visit_within_days)
    ):
        return False
    if c.category_repaired_more_than_days_ago is not None:
        limit = timedelta(days=c.category_repaired_more_than_days_ago)
        categories = c.device_categories or frozenset(history.last_by_category)
        if not any(
            cat in history.last_by_category and now - history.last_by_category[cat] > limit
            for cat in categories
        ):
            return False
    return True


def matching_offers(rules: ProgramRules, history: CustomerHistory, now: datetime, today: date) -> list[Offer]:
    """The offers valid `today` (shop time) whose conditions hold, best first: the higher
    `priority`, then the order of the rules file."""
    fitting = [
        offer
        for offer in rules.offers
        if offer.valid_on(today) and offer_applies(offer.conditions, history, now)
    ]
    return sorted(fitting, key=lambda offer: -offer.priority)  # sorted() is stable: file order
