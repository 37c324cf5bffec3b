"""Personal offers from the rules file, over the customer's repair history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.offers import CustomerHistory, history_from, matching_offers, offer_applies
from domain.repairs import DeviceCategory, Repair, RepairStatus
from domain.rules import OfferConditions, ProgramRules

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _done(category: DeviceCategory, days_ago: int, paid: int = 5_000_00) -> Repair:
    at = NOW - timedelta(days=days_ago)
    return Repair(
        order_id=f"R-{category}-{days_ago}",
        phone="+79161234567",
        status=RepairStatus.COMPLETED,
        device_category=category,
        created_at=at,
        updated_at=at,
        completed_at=at,
        amount_minor=paid,
        paid_money_minor=paid,
    )


def _keys(rules: ProgramRules, repairs: list[Repair], tier: str = "bronze") -> set[str]:
    return {o.key for o in matching_offers(rules, history_from(repairs, tier), NOW)}


def test_a_phone_repair_brings_the_accessories_offer(rules):
    assert "phone_accessories" in _keys(rules, [_done(DeviceCategory.PHONE, 10)])


def test_a_laptop_repaired_more_than_a_year_ago_brings_the_cleaning_offer(rules):
    assert "laptop_cleaning" in _keys(rules, [_done(DeviceCategory.LAPTOP, 400)])
    assert "laptop_cleaning" not in _keys(rules, [_done(DeviceCategory.LAPTOP, 100)])


def test_no_visit_for_six_months_brings_the_win_back_offer(rules):
    assert "win_back" in _keys(rules, [_done(DeviceCategory.TABLET, 200)])
    assert "win_back" not in _keys(rules, [_done(DeviceCategory.TABLET, 20)])
    assert "win_back" not in _keys(rules, [])  # never visited: nothing to win back


def test_a_partner_offer_is_limited_to_its_tiers(rules):
    repairs = [_done(DeviceCategory.PHONE, 10)]
    assert "partner_insurance" not in _keys(rules, repairs, tier="bronze")
    assert "partner_insurance" in _keys(rules, repairs, tier="gold")


def test_cancelled_and_unfinished_repairs_are_not_visits():
    cancelled = replace(_done(DeviceCategory.PHONE, 5), status=RepairStatus.CANCELLED)
    waiting = replace(_done(DeviceCategory.PHONE, 5), status=RepairStatus.IN_REPAIR, completed_at=None)
    history = history_from([cancelled, waiting], "bronze")
    assert history.visits == 0 and history.last_visit is None


def test_visit_count_and_average_check_bounds():
    history = CustomerHistory(tier="bronze", visits=3, total_minor=9_000_00, last_visit=NOW)
    assert history.avg_check_minor == 3_000_00
    assert offer_applies(OfferConditions(min_visits=3, min_avg_check_minor=3_000_00), history, NOW)
    assert not offer_applies(OfferConditions(max_visits=2), history, NOW)
    assert not offer_applies(OfferConditions(min_avg_check_minor=3_000_01), history, NOW)
    assert offer_applies(OfferConditions(last_visit_within_days=1), history, NOW)
