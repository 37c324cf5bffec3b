"""What a customer types: birthdays and referral payloads."""

from __future__ import annotations

from datetime import date

import pytest

from bot.telegram.parsing import referral_code
from bot.telegram.texts import choose_locale
from domain.birthdays import BadBirthday, parse_birthday

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("typed", "born"),
    [
        ("25.04.1990", date(1990, 4, 25)),
        (" 1.2.1985 ", date(1985, 2, 1)),
        ("29.02.2000", date(2000, 2, 29)),
        ("22/11/2000", date(2000, 11, 22)),
    ],
)
def test_good_birthdays(typed, born):
    assert parse_birthday(typed, TODAY) == born


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("31.02.2000", "impossible"),
        ("29.02.2001", "impossible"),
        ("99.99.9999", "impossible"),
        ("00.01.1990", "impossible"),
        ("23.11.2026", "future"),
        ("01.01.3000", "future"),
        ("01.01.1800", "age"),
        ("01.01.2025", "age"),
        ("1990-04-25", "format"),
        ("25.04.90", "format"),
        ("завтра", "format"),
        ("", "format"),
        ("1" * 5000, "format"),
    ],
)
def test_bad_birthdays_say_why(typed, reason):
    with pytest.raises(BadBirthday) as refused:
        parse_birthday(typed, TODAY)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("abc_DEF-123", "abc_DEF-123"),
        ("x" * 64, "x" * 64),
        ("x" * 65, None),
        ("bad payload", None),
        ("a/b", None),
        ("код", None),
        ("", None),
        (None, None),
    ],
)
def test_referral_payloads(payload, code):
    assert referral_code(payload) == code


@pytest.mark.parametrize(
    ("chosen", "telegram", "expected"),
    [("en", "ru", "en"), (None, "en-US", "en"), (None, "de", "ru"), (None, None, "ru"), ("xx", "EN", "en")],
)
def test_language_is_the_choice_then_telegrams_then_the_default(chosen, telegram, expected):
    assert choose_locale(chosen, telegram, "ru") == expected
