"""Input types shared by the repair events and the desk API: money as decimal strings, phones as E.164."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, WithJsonSchema

from bot.phones import InvalidPhone, normalize_phone

# ASCII digits only: Python's and pydantic's \d also match Arabic-Indic and other digits.
_MONEY = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")
MONEY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
# One order's bill: far above any repair, far below what would overflow a 32-bit points column.
MAX_MONEY_MINOR = 10_000_000 * 100
# Lone surrogates cannot be encoded as UTF-8 and PostgreSQL refuses NUL in text.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
INT64_MAX = 2**63 - 1
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def money_to_minor(value: object) -> int:
    """'4500.00' -> 450000. Strings only: a JSON float would already have lost kopecks."""
    if not isinstance(value, str) or not _MONEY.fullmatch(value):
        raise ValueError('a non-negative decimal string with at most 2 decimal places, like "4500.00"')
    minor = int(Decimal(value) * 100)
    if minor > MAX_MONEY_MINOR:
        raise ValueError(f"at most {minor_to_money(MAX_MONEY_MINOR)}")
    return minor


def minor_to_money(minor: int) -> str:
    return f"{Decimal(minor) / 100:.2f}"


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidPhone as exc:
        raise ValueError(f"not a valid phone number: {exc}") from None


def _storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError("must not contain NUL or unpaired surrogate characters")
    return value


def _sane_time(value: datetime) -> datetime:
    # Checked on the sender's wall clock, before any conversion that could overflow.
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return value


Money = Annotated[
    int,
    BeforeValidator(money_to_minor),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "examples": ["4500.00"],
            "description": f"At most {minor_to_money(MAX_MONEY_MINOR)}.",
        }
    ),
]
"""A decimal string on the wire, integer minor units (kopecks) in Python."""

Phone = Annotated[
    str,
    Field(min_length=1, max_length=32, examples=["+7 916 123-45-67"]),
    AfterValidator(_storable),
    AfterValidator(_phone),
    # what the document can say of a phone: digits with the usual separators (the number itself is
    # then checked against the numbering plan, which no pattern can)
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 5,
            "maxLength": 32,
            "pattern": r"^\+?[0-9][0-9 ().-]{4,31}$",
            "examples": ["+7 916 123-45-67"],
        }
    ),
]
"""Any common spelling of a phone number on the wire, E.164 in Python."""

Text = Annotated[str, AfterValidator(_storable)]
"""Free text that every database can keep: no NUL, no unpaired surrogates (lengths are set per field)."""

EventTime = Annotated[AwareDatetime, AfterValidator(_sane_time)]
"""A moment with its UTC offset, within the years the program can have lived through."""

OrderId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$", examples=["R-1042"])]
