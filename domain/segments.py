"""Segments: the marketer's filter over members, as plain data, and the port that resolves it.

A filter is an object whose keys are ANDed (PRODUCT.md, "Segment filter"). It is parsed here,
once, into a frozen `SegmentFilter`; anything that cannot work is refused with an
`InvalidSegment` naming the key. The store compiles the spec to one SQL query; whatever the
spec says, it only ever reaches live members with marketing consent and a reachable channel.

A *visit* is a completed repair and *spend* is the money paid for completed repairs (the amount
when nothing was recorded as paid), as in the personal offers.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from domain.customers import Channel
from domain.errors import DomainError
from domain.repairs import MINOR_PER_UNIT, DeviceCategory

MAX_COUNT = 1_000_000
MAX_DAYS = 36_500
MAX_SPEND_MINOR = 10**12  # ten billion units: above any real history, far below any overflow
_MONEY = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")

KEYS = (
    "tiers",
    "min_visits",
    "max_visits",
    "min_spend",
    "max_spend",
    "last_visit_within_days",
    "no_visit_for_days",
    "device_categories",
    "channels",
    "locales",
    "birthday_month",
    "registered_within_days",
)


class InvalidSegment(DomainError):
    """A filter that cannot work; `field` names the offending key."""

    code = "invalid_segment"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


@dataclass(frozen=True)
class SegmentFilter:
    """Empty sets and None mean "any"."""

    tiers: frozenset[str] = frozenset()
    min_visits: int | None = None
    max_visits: int | None = None
    min_spend_minor: int | None = None
    max_spend_minor: int | None = None
    last_visit_within_days: int | None = None
    no_visit_for_days: int | None = None
    device_categories: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    locales: frozenset[str] = frozenset()
    birthday_month: int | None = None
    registered_within_days: int | None = None


@dataclass(frozen=True)
class SegmentMember:
    id: int
    phone: str | None
    name: str | None
    tier: str
    locale: str


class SegmentRepository(abc.ABC):
    """Resolves a filter among live members with marketing consent and a reachable channel."""

    @abc.abstractmethod
    async def count(self, spec: SegmentFilter, now: datetime) -> int: ...

    @abc.abstractmethod
    async def sample(self, spec: SegmentFilter, now: datetime, limit: int) -> list[SegmentMember]:
        """The first `limit` members by id."""

    @abc.abstractmethod
    async def member_ids(
        self, spec: SegmentFilter, now: datetime, *, after_id: int = 0, limit: int = 1000
    ) -> list[int]:
        """Ids above `after_id`, ascending: page through a whole segment without OFFSET."""

    @abc.abstractmethod
    async def member_ids_between(
        self, spec: SegmentFilter, now: datetime, *, after_id: int, up_to_id: int
    ) -> list[int]:
        """The members with after_id < id <= up_to_id, ascending. A range of ids, not a count: the
        cost of a page is bounded by its span whatever the planner believes about the tables."""

    @abc.abstractmethod
    async def last_customer_id(self) -> int:
        """The highest customer id so far (0 for none): where a snapshot taken now ends."""


def parse_segment_filter(
    raw: object, *, tiers: Iterable[str], locales: Iterable[str] = ("ru", "en")
) -> SegmentFilter:
    """The filter as the API received it (decoded JSON) -> SegmentFilter, or InvalidSegment."""
    if not isinstance(raw, Mapping):
        raise InvalidSegment("filter", "must be an object of filter keys")
    for key in raw:
        if key not in KEYS:
            raise InvalidSegment(str(key), f"unknown filter key; known keys: {', '.join(KEYS)}")
    spec = SegmentFilter(
        tiers=_choices(raw, "tiers", tiers),
        min_visits=_count(raw, "min_visits"),
        max_visits=_count(raw, "max_visits"),
        min_spend_minor=_money(raw, "min_spend"),
        max_spend_minor=_money(raw, "max_spend"),
        last_visit_within_days=_days(raw, "last_visit_within_days"),
        no_visit_for_days=_days(raw, "no_visit_for_days"),
        device_categories=_choices(raw, "device_categories", [c.value for c in DeviceCategory]),
        channels=_choices(raw, "channels", [c.value for c in Channel]),
        locales=_choices(raw, "locales", locales),
        birthday_month=_int(raw, "birthday_month", 1, 12),
        registered_within_days=_days(raw, "registered_within_days"),
    )
    _check_ranges(spec)
    return spec


def _check_ranges(spec: SegmentFilter) -> None:
    if spec.min_visits is not None and spec.max_visits is not None and spec.min_visits > spec.max_visits:
        raise InvalidSegment("min_visits", "is greater than max_visits: nobody can match")
    if (
        spec.min_spend_minor is not None
        and spec.max_spend_minor is not None
        and spec.min_spend_minor > spec.max_spend_minor
    ):
        raise InvalidSegment("min_spend", "is greater than max_spend: nobody can match")
    within, none_for = spec.last_visit_within_days, spec.no_visit_for_days
    if within is not None and none_for is not None and within <= none_for:
        raise InvalidSegment(
            "last_visit_within_days",
            f"must be greater than no_visit_for_days ({none_for}): a visit within {within} days "
            f"and none for {none_for} days cannot both hold",
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(raw: Mapping[str, object], key: str, low: int, high: int) -> int | None:
    if key not in raw:
        return None
    value = raw[key]
    if not _is_int(value):
        raise InvalidSegment(key, f"must be a whole number, not {_kind(value)}")
    assert isinstance(value, int)
    if value < low:
        raise InvalidSegment(key, "must not be negative" if low == 0 else f"must be at least {low}")
    if value > high:
        raise InvalidSegment(key, f"must be at most {high}")
    return value


def _count(raw: Mapping[str, object], key: str) -> int | None:
    return _int(raw, key, 0, MAX_COUNT)


def _days(raw: Mapping[str, object], key: str) -> int | None:
    return _int(raw, key, 1, MAX_DAYS)


def _money(raw: Mapping[str, object], key: str) -> int | None:
    """Whole units as a number, or a decimal string with at most two decimals ("15000.50")."""
    if key not in raw:
        return None
    value = raw[key]
    amount: Decimal
    if _is_int(value):
        assert isinstance(value, int)
        amount = Decimal(value)
    elif isinstance(value, float):
        try:
            amount = Decimal(repr(value))
        except InvalidOperation:
            raise InvalidSegment(key, "must be a finite amount") from None
        if not amount.is_finite():
            raise InvalidSegment(key, "must be a finite amount")
    elif isinstance(value, str):
        text = value.strip()
        if text.startswith("-") and _MONEY.fullmatch(text[1:]):
            raise InvalidSegment(key, "must not be negative")
        if not _MONEY.fullmatch(text):
            raise InvalidSegment(key, 'must be an amount like 15000 or "15000.50"')
        amount = Decimal(text)
    else:
        raise InvalidSegment(key, f"must be an amount (a number or a decimal string), not {_kind(value)}")
    if amount < 0:
        raise InvalidSegment(key, "must not be negative")
    minor = amount * MINOR_PER_UNIT
    if minor != minor.to_integral_value():
        raise InvalidSegment(key, "has more than two decimal places")
    if minor > MAX_SPEND_MINOR:
        raise InvalidSegment(key, f"must be at most {MAX_SPEND_MINOR // MINOR_PER_UNIT}")
    return int(minor)


def _choices(raw: Mapping[str, object], key: str, known: Iterable[str]) -> frozenset[str]:
    if key not in raw:
        return frozenset()
    value = raw[key]
    allowed = list(known)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidSegment(key, f"must be a list of strings, not {_kind(value)}")
    if not value:
        raise InvalidSegment(key, "an empty list matches nobody; leave the key out to match any")
    unknown = sorted({v for v in value if v not in allowed})
    if unknown:
        raise InvalidSegment(key, f"unknown value(s) {', '.join(unknown)}; known: {', '.join(allowed)}")
    return frozenset(value)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__
