"""Personal offers from the rules file, over the customer's repair history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from domain.offer_codes import ALPHABET, SHAPE, code_valid_until, new_code, normalise
from domain.offers import CustomerHistory, history_from, matching_offers, offer_applies
from domain.repairs import DeviceCategory, Repair, RepairStatus
from domain.rules import Offer, OfferConditions, ProgramRules

NOW = datetime(2026, 11, 22, tzinfo=UTC)
TODAY = date(2026, 11, 22)


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
    return {o.key for o in matching_offers(rules, history_from(repairs, tier), NOW, TODAY)}


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


def _history(visits: int = 1, total_minor: int = 5_000_00, days_ago: int = 10, tier: str = "bronze"):
    return CustomerHistory(
        tier=tier, visits=visits, total_minor=total_minor, last_visit=NOW - timedelta(days=days_ago)
    )


def test_win_back_starts_after_exactly_180_days_without_a_visit(rules):
    win_back = next(o for o in rules.offers if o.key == "win_back").conditions
    assert not offer_applies(win_back, _history(days_ago=179), NOW)
    assert offer_applies(win_back, _history(days_ago=180), NOW)
    assert offer_applies(win_back, _history(days_ago=181), NOW)
    assert not offer_applies(win_back, _history(visits=0, total_minor=0, days_ago=400), NOW)


def test_cleaning_comes_only_after_more_than_365_days_for_a_laptop_or_a_desktop(rules):
    for category in (DeviceCategory.LAPTOP, DeviceCategory.DESKTOP):
        assert "laptop_cleaning" not in _keys(rules, [_done(category, 365)])
        assert "laptop_cleaning" in _keys(rules, [_done(category, 366)])
    assert "laptop_cleaning" not in _keys(rules, [_done(DeviceCategory.TABLET, 500)])


def test_visit_counts_are_inclusive_bounds():
    window = OfferConditions(min_visits=2, max_visits=4)
    assert not offer_applies(window, _history(visits=1), NOW)
    assert offer_applies(window, _history(visits=2), NOW)
    assert offer_applies(window, _history(visits=4), NOW)
    assert not offer_applies(window, _history(visits=5), NOW)


def test_an_average_check_equal_to_the_minimum_qualifies():
    rule = OfferConditions(min_avg_check_minor=2_500_00)
    assert offer_applies(rule, _history(visits=2, total_minor=5_000_00), NOW)
    assert not offer_applies(rule, _history(visits=2, total_minor=4_999_99), NOW)


def test_priority_service_is_for_gold_and_above(rules):
    for tier, expected in (("bronze", False), ("silver", False), ("gold", True), ("platinum", True)):
        assert ("priority_service" in _keys(rules, [_done(DeviceCategory.TABLET, 5)], tier)) is expected


def _windowed(rules: ProgramRules, **window: date) -> ProgramRules:
    offer = Offer("sale", {"ru": "Акция", "en": "Sale"}, {"ru": "-", "en": "-"}, OfferConditions(), **window)
    return replace(rules, offers=(offer,))


def test_an_offer_is_shown_from_its_first_day_through_its_last_day(rules):
    windowed = _windowed(rules, valid_from=date(2026, 11, 22), valid_until=date(2026, 11, 30))
    history = _history()
    for day, shown in (
        (date(2026, 11, 21), False),
        (date(2026, 11, 22), True),
        (date(2026, 11, 30), True),
        (date(2026, 12, 1), False),
    ):
        assert bool(matching_offers(windowed, history, NOW, day)) is shown, day


def test_offers_come_best_first_by_priority_then_in_file_order(rules):
    def offer(key: str, priority: int) -> Offer:
        return Offer(key, {"ru": key}, {"ru": key}, OfferConditions(), priority=priority)

    ranked = replace(rules, offers=(offer("a", 1), offer("b", 5), offer("c", 1), offer("d", 9)))
    assert [o.key for o in matching_offers(ranked, _history(), NOW, TODAY)] == ["d", "b", "a", "c"]


def test_the_shipped_offers_come_best_first(rules):
    repairs = [_done(DeviceCategory.PHONE, 200), _done(DeviceCategory.LAPTOP, 400)]
    shown = [o.key for o in matching_offers(rules, history_from(repairs, "gold"), NOW, TODAY)]
    assert shown == [
        "priority_service",
        "win_back",
        "laptop_cleaning",
        "phone_accessories",
        "partner_insurance",
    ]


def test_a_personal_code_has_the_desk_shape_without_look_alike_characters():
    codes = {new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(SHAPE.match(c) for c in codes)
    assert not set("".join(codes)) & set("0O1I")
    assert set(ALPHABET) == set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")


def test_a_code_typed_in_lower_case_is_normalised_and_a_wrong_shape_is_refused():
    assert normalise(" k7qm-4xzp ") == "K7QM-4XZP"
    for wrong in ("K7QM4XZP", "K7QM-4XZ", "K0QM-4XZP", "KIQM-4XZP", "K7QM-4XZP-", ""):
        assert normalise(wrong) is None, wrong


def test_a_code_lasts_to_the_offers_end_or_the_rules_term(rules):
    open_ended = Offer("a", {"ru": "a"}, {"ru": "a"}, OfferConditions())
    ending = replace(open_ended, valid_until=date(2026, 12, 31))
    assert code_valid_until(ending, TODAY, 30) == date(2026, 12, 31)
    assert code_valid_until(open_ended, TODAY, 30) == TODAY + timedelta(days=29)  # 30 days, today included
