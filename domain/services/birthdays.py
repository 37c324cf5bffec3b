"""The birthday bonus: credited once a year on the birthday; the greeting follows from the event."""

from __future__ import annotations

from datetime import date, datetime

from domain.birthday_bonus import birthday_key, earns_birthday_bonus
from domain.events import BirthdayBonusGranted
from domain.jobs import shop_day
from domain.ledger import EntryKind, LedgerResult
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.points import earn_points


async def grant_birthday_bonus(
    uow: UnitOfWork,
    rules: ProgramRules,
    *,
    customer_id: int,
    day: date,
    day_start: datetime,
    timezone: str,
    now: datetime,
) -> LedgerResult | None:
    """The year's bonus for a customer whose birthday `day` is; None when they do not earn it.

    The source key names the year, so a repeat the same year (or a second replica) pays nothing.
    The lot starts at the beginning of the day and expires after `birthday.expires_days`.
    """
    customer = await uow.customers.lock(customer_id)
    if customer is None or not earns_birthday_bonus(
        customer, day, day_start, rules.birthday.min_days_since_change
    ):
        return None
    if rules.birthday.points <= 0:
        return None
    key = birthday_key(customer_id, day.year)
    result = await earn_points(
        uow,
        customer_id=customer_id,
        points=rules.birthday.points,
        kind=EntryKind.BIRTHDAY,
        source_key=key,
        now=day_start,
        expires_in_days=rules.birthday.expires_days,
    )
    if result.duplicate:
        return result
    expires = result.entry.expires_at
    assert result.entry.id is not None
    await uow.record(
        BirthdayBonusGranted(
            at=now,
            customer_id=customer_id,
            entry_id=result.entry.id,
            points=result.entry.points,
            balance=result.balance,
            expires_on=shop_day(expires, timezone) if expires else None,
        )
    )
    return result
