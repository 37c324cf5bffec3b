"""The `[[badges]]` rules: the shipped badges, and every refusal names the badge and what is wrong."""

from __future__ import annotations

import pytest

from app.rules_file import DEFAULT_RULES, RulesError, load_rules, parse_rules
from domain.badges import BadgeCondition

DEFAULT = DEFAULT_RULES.read_text(encoding="utf-8")
FIRST = (
    '[[badges]]\nkey = "first_repair"\nnames = { ru = "Первый ремонт", en = "First repair" }\n'
    "condition = { repairs = 1 }\n"
)


def _with_first(replacement: str) -> str:
    assert FIRST in DEFAULT
    return DEFAULT.replace(FIRST, replacement)


def test_the_shipped_badges_are_the_issues_five():
    badges = {b.key: (b.condition, b.value, b.tier_key) for b in load_rules().badges}
    assert badges == {
        "first_repair": (BadgeCondition.REPAIRS, 1, None),
        "five_repairs": (BadgeCondition.REPAIRS, 5, None),
        "three_friends": (BadgeCondition.FRIENDS_INVITED, 3, None),
        "one_year": (BadgeCondition.DAYS_IN_PROGRAM, 365, None),
        "gold_reached": (BadgeCondition.TIER, 0, "gold"),
    }


def test_a_badge_declared_twice_is_refused_by_its_key():
    with pytest.raises(RulesError) as refused:
        parse_rules(_with_first(FIRST + "\n" + FIRST))
    assert "'first_repair' is declared twice" in str(refused.value)


def test_a_badge_naming_an_unknown_tier_is_refused():
    bad = FIRST.replace("repairs = 1", 'tier = "diamond"')
    with pytest.raises(RulesError) as refused:
        parse_rules(_with_first(bad))
    assert "'first_repair' names an unknown tier 'diamond'" in str(refused.value)


@pytest.mark.parametrize(
    ("condition", "told"),
    [
        ("{}", "needs exactly one of repairs, friends_invited, days_in_program, tier"),
        ("{ repairs = 1, friends_invited = 2 }", "(got repairs, friends_invited)"),
        ('{ days_in_program = 30, tier = "gold" }', "(got days_in_program, tier)"),
    ],
)
def test_a_badge_needs_exactly_one_condition(condition: str, told: str):
    with pytest.raises(RulesError) as refused:
        parse_rules(_with_first(FIRST.replace("{ repairs = 1 }", condition)))
    assert "'first_repair'" in str(refused.value) and told in str(refused.value)


@pytest.mark.parametrize("condition", ["{ repairs = 0 }", "{ friends_invited = -1 }", "{ weeks = 2 }"])
def test_a_badge_condition_out_of_range_or_unknown_is_refused_with_its_key(condition: str):
    with pytest.raises(RulesError) as refused:
        parse_rules(_with_first(FIRST.replace("{ repairs = 1 }", condition)))
    assert "badges.0.condition" in str(refused.value)


def test_a_badge_missing_a_language_is_refused_naming_the_language():
    with pytest.raises(RulesError) as refused:
        parse_rules(_with_first(FIRST.replace(', en = "First repair"', "")))
    assert "badges.0.names" in str(refused.value) and "needs a name in en" in str(refused.value)


def test_a_badge_key_of_the_wrong_shape_is_refused():
    with pytest.raises(RulesError) as refused:
        parse_rules(_with_first(FIRST.replace('"first_repair"', '"First Repair!"')))
    assert "badges.0.key" in str(refused.value)
