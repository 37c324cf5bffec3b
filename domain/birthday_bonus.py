"""The birthday bonus rule: whose birthday a shop date is, and who has waited long enough for it.

29 February is celebrated on 28 February in the years without one. A birthday entered or
changed less than `birthday.min_days_since_change` days before the day earns nothing that
year (so nobody moves their birthday to today for the bonus).
"""

from __future__ import annotations

import abc
import calendar
from datetime import date, datetime, timedelta

from domain.customers import Customer


def celebrated_dates(day: date) -> list[tuple[int, int]]:
    """The (month, day) birthdays celebrated on `day`."""
    dates = [(day.month, day.day)]
    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        dates.append((2, 29))
    return dates


def is_birthday(birthday: date, day: date) -> bool:
    return (birthday.month, birthday.day) in celebrated_dates(day)


def earns_birthday_bonus(
    customer: Customer, day: date, day_start: datetime, min_days_since_change: int
) -> bool:
    """A live member whose birthday is `day`, known for long enough before the day began."""
    if customer.is_deleted or customer.pd_consent_at is None or customer.birthday is None:
        return False
    if not is_birthday(customer.birthday, day):
        return False
    changed = customer.birthday_set_at
    return changed is None or changed <= day_start - timedelta(days=min_days_since_change)


def birthday_key(customer_id: int, year: int) -> str:
    return f"birthday:{customer_id}:{year}"


class BirthdayRepository(abc.ABC):
    @abc.abstractmethod
    async def born_on(self, dates: list[tuple[int, int]], *, after_id: int, limit: int) -> list[int]:
        """Ids of live members whose birthday is one of the (month, day) pairs, ascending."""
