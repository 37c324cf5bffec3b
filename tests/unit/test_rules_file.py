"""The program rules file: the shipped defaults, and bad values named with their key."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.rules_file import DEFAULT_RULES, RulesError, load_rules, parse_rules

DEFAULT = DEFAULT_RULES.read_text(encoding="utf-8")


def test_the_shipped_defaults_match_the_product_spec():
    rules = load_rules()
    assert rules.currency == "RUB"
    assert (rules.welcome.points, rules.welcome.expires_days) == (200, 90)
    assert rules.earning.expires_days == 365 and "gift_card" in rules.earning.excluded_item_kinds
    assert [(t.key, t.threshold_minor // 100) for t in rules.tiers] == [
        ("bronze", 0),
        ("silver", 15_000),
        ("gold", 50_000),
        ("platinum", 120_000),
    ]
    assert rules.tier_window_days == 365
    assert rules.linking_max_age_days == 90
    assert rules.redemption.max_bill_share == Decimal("0.3")
    assert (rules.birthday.points, rules.birthday.expires_days) == (500, 30)
    assert (rules.referral.friend_bonus, rules.referral.referrer_bonus) == (300, 500)
    assert rules.referral.min_first_repair_minor == 1_000_00
    assert rules.expiry.warn_days_ahead == 7
    assert (rules.marketing.quiet_start.hour, rules.marketing.quiet_end.hour) == (21, 9)
    assert {o.key for o in rules.offers} >= {"phone_accessories", "laptop_cleaning", "win_back"}


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        (
            "earn_rate_percent = 5",
            "earn_rate_percent = 500",
            "tiers.levels.1.earn_rate_percent",
            "less than or equal",
        ),
        ("threshold = 15000", "threshold = 60000", "tiers", "higher threshold"),
        ("points = 200", "points = -5", "welcome.points", "greater than or equal"),
        (
            "max_bill_share_percent = 30",
            "max_bill_share_percent = 0",
            "redemption.max_bill_share_percent",
            "greater than",
        ),
        ('quiet_hours_start = "21:00"', 'quiet_hours_start = "25:00"', "marketing.quiet_hours_start", ""),
        ('currency = "RUB"', 'currency = "rubles"', "currency", "pattern"),
        ("[expiry]", "[expiry]\nwarn_dayz = 3", "expiry.warn_dayz", "Extra inputs"),
        ('{ key = "free_diagnostics" }', '{ key = "free_pizza" }', "perks", "unknown perk"),
        ('device_categories = ["laptop"', 'device_categories = ["toaster"', "device_categories", ""),
        ("offers_code_valid_days = 30", "offers_code_valid_days = 0", "offers_code_valid_days", ""),
        ("max_age_days = 90", "max_age_days = 0", "linking.max_age_days", "greater than"),
        (
            "priority = 50",
            "priority = 50\nvalid_from = 2026-12-01\nvalid_until = 2026-11-30",
            "offers",
            "before",
        ),
        ('key = "win_back"', 'key = "phone_accessories"', "(top)", "unique"),
        ('promo_code = "REPAIR10"', "", "offers", "promo_code"),
    ],
)
def test_a_bad_value_is_reported_with_its_key_and_the_reason(old, new, key, reason):
    assert old in DEFAULT
    with pytest.raises(RulesError) as bad:
        parse_rules(DEFAULT.replace(old, new, 1), "rules.toml")
    message = str(bad.value)
    assert key in message and reason in message


def test_a_file_that_is_not_toml_says_so(tmp_path: Path):
    path = tmp_path / "rules.toml"
    path.write_text("welcome = [", encoding="utf-8")
    with pytest.raises(RulesError, match=re.escape(str(path)) + ": not valid TOML"):
        load_rules(path)


def test_a_missing_file_says_so(tmp_path: Path):
    with pytest.raises(RulesError, match="cannot read"):
        load_rules(tmp_path / "nope.toml")
