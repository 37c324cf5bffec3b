"""The arithmetic of earning and redeeming, and the money format on the wire."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.redemptions import code_matches, hash_code, max_points_for_bill, new_code, new_salt
from domain.repairs import RepairItem, money_paid, points_for
from domain.rules import RedemptionRules
from webhooks.fields import minor_to_money, money_to_minor

GIFT = frozenset({"gift_card"})


@pytest.mark.parametrize(
    ("amount", "items", "points_money", "paid"),
    [
        (450000, (), 0, 450000),
        (450000, (RepairItem("card", "gift_card", 100000),), 0, 350000),
        (450000, (RepairItem("glass", "accessory", 50000),), 0, 450000),
        (100000, (), 30000, 70000),
        (100000, (RepairItem("card", "gift_card", 90000),), 30000, 0),  # never below zero
    ],
)
def test_money_paid_leaves_out_points_and_excluded_item_kinds(amount, items, points_money, paid):
    assert money_paid(amount, items, points_money, GIFT) == paid


@pytest.mark.parametrize(
    ("paid_minor", "rate", "points"),
    [
        (450000, Decimal(3), 135),
        (453333, Decimal(3), 135),  # 135.9999 -> 135, never rounded up
        (3333, Decimal(3), 0),
        (100, Decimal(100), 1),
        (99, Decimal(100), 0),
        (1000000, Decimal("7.5"), 750),
        (0, Decimal(10), 0),
    ],
)
def test_points_are_the_floor_of_money_times_rate(paid_minor, rate, points):
    assert points_for(paid_minor, rate) == points


@pytest.mark.parametrize(
    ("bill_minor", "share", "per_point", "allowed"),
    [
        (100000, Decimal("0.30"), 100, 300),
        (99999, Decimal("0.30"), 100, 299),
        (100000, Decimal("1"), 200, 500),
        (1, Decimal("0.30"), 100, 0),
    ],
)
def test_points_pay_at_most_the_bill_share(bill_minor, share, per_point, allowed):
    assert max_points_for_bill(RedemptionRules(share, per_point), bill_minor) == allowed


def test_codes_are_six_digits_and_only_their_salted_hash_matches():
    codes = {new_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 150
    salt = new_salt()
    digest = hash_code("042917", salt)
    assert digest != hash_code("042917", new_salt()) and "042917" not in digest

    class Stored:
        code_hash, code_salt = digest, salt

    assert code_matches(Stored, "042917")  # type: ignore[arg-type]
    assert not code_matches(Stored, "042918")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("4500.00", 450000),
        ("4500", 450000),
        ("0.5", 50),
        ("0.05", 5),
        ("10000000.00", 1_000_000_000),
        ("0009999999.99", 999_999_999),
    ],
)
def test_money_strings_become_minor_units(text, minor):
    assert money_to_minor(text) == minor
    assert money_to_minor(minor_to_money(minor)) == minor


@pytest.mark.parametrize(
    "bad",
    [
        "-1.00",
        "1.001",
        "1,50",
        "",
        " 1.00",
        "1e3",
        "NaN",
        4500,
        45.5,
        None,
        "12345678901",
        "10000000.01",  # above the ceiling: no 32-bit points column can overflow
        "9999999999.99",
        "٤٥٠٠.٠٠",  # Arabic-Indic digits: ASCII digits only
        "４５００",  # fullwidth digits
        "4500.٠٠",
    ],
)
def test_money_refuses_anything_but_a_plain_decimal_string(bad):
    with pytest.raises(ValueError):
        money_to_minor(bad)
