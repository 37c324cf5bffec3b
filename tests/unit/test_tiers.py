"""Tiers: thresholds, upgrades at once, downgrades only at the monthly review, progress."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.rules import ProgramRules
from domain.tiers import is_review_due, review_tier, tier_for_spend, tier_progress, upgrade_if_earned

RUB = 100


def test_default_tiers_follow_the_spend_thresholds(rules: ProgramRules):
    assert tier_for_spend(rules, 0).key == "bronze"
    assert tier_for_spend(rules, 14_999 * RUB).key == "bronze"
    assert tier_for_spend(rules, 15_000 * RUB).key == "silver"
    assert tier_for_spend(rules, 50_000 * RUB).key == "gold"
    assert tier_for_spend(rules, 10**9).key == "platinum"


def test_default_earn_rates_and_perks(rules: ProgramRules):
    assert [str(t.earn_rate_percent) for t in rules.tiers] == ["3", "5", "7", "10"]
    assert {p.key for p in rules.tier("platinum").perks} == {
        "extra_warranty_months",
        "free_diagnostics",
        "priority_queue",
    }


def test_an_upgrade_happens_at_once_but_never_a_downgrade(rules: ProgramRules):
    assert upgrade_if_earned(rules, "bronze", 20_000 * RUB).key == "silver"  # type: ignore[union-attr]
    assert upgrade_if_earned(rules, "gold", 20_000 * RUB) is None
    assert upgrade_if_earned(rules, "silver", 20_000 * RUB) is None


def test_the_monthly_review_may_downgrade(rules: ProgramRules):
    assert review_tier(rules, "gold", 20_000 * RUB).key == "silver"


def test_a_review_happens_once_per_calendar_month():
    changed = datetime(2026, 11, 3, tzinfo=UTC)
    assert not is_review_due(changed, datetime(2026, 11, 30, tzinfo=UTC))
    assert is_review_due(changed, datetime(2026, 12, 1, tzinfo=UTC))
    assert is_review_due(None, changed)


def test_progress_shows_the_amount_left_to_the_next_tier_and_what_keeps_this_one(rules: ProgramRules):
    progress = tier_progress(rules, "silver", 20_000 * RUB)
    assert progress.next is not None and progress.next.key == "gold"
    assert progress.left_to_next_minor == 30_000 * RUB
    assert progress.to_keep_minor == 0
    assert abs(progress.progress_ratio - 5_000 / 35_000) < 1e-9
    kept_by_review = tier_progress(rules, "gold", 20_000 * RUB)
    assert kept_by_review.to_keep_minor == 30_000 * RUB


def test_the_top_tier_has_nothing_left_to_reach(rules: ProgramRules):
    progress = tier_progress(rules, "platinum", 200_000 * RUB)
    assert progress.is_top and progress.left_to_next_minor == 0 and progress.progress_ratio == 1.0
