"""Reading a birthday the customer types, the same way in every channel."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

BIRTHDAY = re.compile(r"(\d{1,2})[./\- ](\d{1,2})[./\- ](\d{4})")
BIRTHDAY_EXAMPLE = "25.04.1990"
MAX_AGE_YEARS = 120
MIN_AGE_YEARS = 3


class BadBirthday(ValueError):
    """`reason` picks the explanation: format, impossible, future, age."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_birthday(text: str, today: date) -> date:
    """'DD.MM.YYYY' (or with '-', '/', a space) -> date; refuses impossible dates, the future, absurd ages."""
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


def shop_today(now: datetime, timezone: str) -> date:
    """Today in the shop's time zone: what "the future" means for a birthday typed there."""
    return now.astimezone(ZoneInfo(timezone)).date()


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
