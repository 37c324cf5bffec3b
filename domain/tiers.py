"""Tiers by money spent in a rolling window: upgrades at once, downgrades only at the review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.rules import ProgramRules, Tier


class ReviewDecision(StrEnum):
    KEPT = "kept"
    DOWNGRADED = "downgraded"
    UPGRADED = "upgraded"


@dataclass(frozen=True)
class MemberSpend:
    """A member up for the monthly review: their tier and the money paid within the window."""

    customer_id: int
    tier: str
    spent_minor: int


@dataclass(frozen=True)
class TierProgress:
    current: Tier
    next: Tier | None
    spent_minor: int
    left_to_next_minor: int
    to_keep_minor: int
    progress_ratio: float

    @property
    def is_top(self) -> bool:
        return self.next is None


def tier_rank(rules: ProgramRules, key: str) -> int:
    for rank, tier in enumerate(rules.tiers):
        if tier.key == key:
            return rank
    return 0


def tier_for_spend(rules: ProgramRules, spent_minor: int) -> Tier:
    """The highest tier whose threshold the spend reaches."""
    reached = rules.tiers[0]
    for tier in rules.tiers:
        if spent_minor >= tier.threshold_minor:
            reached = tier
    return reached


def upgrade_if_earned(rules: ProgramRules, current_key: str, spent_minor: int) -> Tier | None:
    """The new tier if the spend lifts the customer above their current one, else None."""
    earned = tier_for_spend(rules, spent_minor)
    if tier_rank(rules, earned.key) > tier_rank(rules, current_key):
        return earned
    return None


def review_tier(rules: ProgramRules, current_key: str, spent_minor: int) -> Tier:
    """The monthly review: the tier the spend supports, up or down."""
    return tier_for_spend(rules, spent_minor)


def is_review_due(last_change: datetime | None, now: datetime) -> bool:
    """Downgrades happen at a monthly review: never twice in one calendar month."""
    if last_change is None:
        return True
    return (last_change.year, last_change.month) != (now.year, now.month)


def review_month(day: date) -> str:
    """The review a shop date belongs to: its month ("2026-12"), once whatever day it runs."""
    return f"{day:%Y-%m}"


def tier_progress(rules: ProgramRules, current_key: str, spent_minor: int) -> TierProgress:
    current = rules.tier(current_key)
    rank = tier_rank(rules, current.key)
    nxt = rules.tiers[rank + 1] if rank + 1 < len(rules.tiers) else None
    if nxt is None:
        left, ratio = 0, 1.0
    else:
        left = max(0, nxt.threshold_minor - spent_minor)
        span = nxt.threshold_minor - current.threshold_minor
        done = spent_minor - current.threshold_minor
        ratio = 1.0 if span <= 0 else min(1.0, max(0.0, done / span))
    return TierProgress(
        current=current,
        next=nxt,
        spent_minor=spent_minor,
        left_to_next_minor=left,
        to_keep_minor=max(0, current.threshold_minor - spent_minor),
        progress_ratio=ratio,
    )
