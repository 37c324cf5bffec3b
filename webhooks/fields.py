"""Input types shared by the repair events and the desk API: money as decimal strings, phones as E.164."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

from app.phones import InvalidPhone, normalize_phone

_MONEY = re.compile(r"\d{1,10}(\.\d{1,2})?")
MONEY_PATTERN = r"^\d{1,10}(\.\d{1,2})?$"


def money_to_minor(value: object) -> int:
    """'4500.00' -> 450000. Strings only: a JSON float would already have lost kopecks."""
    if not isinstance(value, str) or not _MONEY.fullmatch(value):
        raise ValueError('a non-negative decimal string with at most 2 decimal places, like "4500.00"')
    return int(Decimal(value) * 100)


def minor_to_money(minor: int) -> str:
    return f"{Decimal(minor) / 100:.2f}"


def _phone(value: str) -> str:
    try:
        return normalize_phone(value)
    except InvalidPhone as exc:
        raise ValueError(f"not a valid phone number: {exc}") from None


Money = Annotated[
    int,
    BeforeValidator(money_to_minor),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["4500.00"]}),
]
"""A decimal string on the wire, integer minor units (kopecks) in Python."""

Phone = Annotated[
    str,
    Field(min_length=1, max_length=32, examples=["+7 916 123-45-67"]),
    AfterValidator(_phone),
]
"""Any common spelling of a phone number on the wire, E.164 in Python."""

OrderId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$", examples=["R-1042"])]
