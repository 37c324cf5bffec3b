"""Parsing what a customer types: referral payloads and birthdays."""

from __future__ import annotations

import re
from datetime import date

REFERRAL = re.compile(r"[A-Za-z0-9_-]{1,64}")
BIRTHDAY = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
BIRTHDAY_EXAMPLE = "25.04.1990"
MAX_AGE_YEARS = 120
MIN_AGE_YEARS = 3


class BadBirthday(ValueError):
    """`reason` picks the explanation: format, impossible, future, age."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def referral_code(payload: str | None) -> str | None:
    """A deep-link payload that can be a referral code, else None (a bad one is silently ignored)."""
    if payload and REFERRAL.fullmatch(payload):
        return payload
    return None


def parse_birthday(text: str, today: date) -> date:
    """'DD.MM.YYYY' -> date; refuses impossible dates, the future and absurd ages."""
    match = BIRTHDAY.fullmatch(text.strip())
    if match is None:
        raise BadBirthday("format")
    day, month, year = (int(part) for part in match.groups())
    try:
        born = date(year, month, day)
    except ValueError:
        raise BadBirthday("impossible") from None
    if born > today:
        raise BadBirthday("future")
    if not MIN_AGE_YEARS <= _age(born, today) <= MAX_AGE_YEARS:
        raise BadBirthday("age")
    return born


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
