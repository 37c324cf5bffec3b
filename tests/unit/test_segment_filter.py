"""Parsing the segment filter: amounts to minor units, sets, and refusals that name the key."""

from __future__ import annotations

import pytest

from domain.segments import InvalidSegment, SegmentFilter, parse_segment_filter

TIERS = ["bronze", "silver", "gold", "platinum"]


def test_a_full_filter_parses_to_the_spec():
    spec = parse_segment_filter(
        {
            "tiers": ["gold", "silver"],
            "min_visits": 1,
            "max_visits": 9,
            "min_spend": "15000.50",
            "max_spend": 90000,
            "last_visit_within_days": 365,
            "no_visit_for_days": 180,
            "device_categories": ["laptop"],
            "channels": ["telegram"],
            "locales": ["ru"],
            "birthday_month": 2,
            "registered_within_days": 30,
        },
        tiers=TIERS,
    )
    assert spec == SegmentFilter(
        tiers=frozenset({"gold", "silver"}),
        min_visits=1,
        max_visits=9,
        min_spend_minor=1_500_050,
        max_spend_minor=9_000_000,
        last_visit_within_days=365,
        no_visit_for_days=180,
        device_categories=frozenset({"laptop"}),
        channels=frozenset({"telegram"}),
        locales=frozenset({"ru"}),
        birthday_month=2,
        registered_within_days=30,
    )


def test_an_empty_filter_means_everyone_the_campaigns_may_reach():
    assert parse_segment_filter({}, tiers=TIERS) == SegmentFilter()


@pytest.mark.parametrize("amount", [0.5, 12.25, "0.50", 7])
def test_amounts_are_exact_in_minor_units(amount):
    spec = parse_segment_filter({"min_spend": amount}, tiers=TIERS)
    assert spec.min_spend_minor == round(float(amount) * 100)


def test_the_tiers_come_from_the_rules_not_from_a_fixed_list():
    assert parse_segment_filter({"tiers": ["vip"]}, tiers=["vip"]).tiers == {"vip"}
    with pytest.raises(InvalidSegment) as refused:
        parse_segment_filter({"tiers": ["vip"]}, tiers=TIERS)
    assert refused.value.field == "tiers" and "bronze" in refused.value.reason


def test_the_first_unknown_key_is_named_with_the_known_ones():
    with pytest.raises(InvalidSegment) as refused:
        parse_segment_filter({"tiers": ["gold"], "min_age": 18}, tiers=TIERS)
    assert refused.value.field == "min_age"
    assert "registered_within_days" in refused.value.reason
