"""The birthday bonus: credited once a year on the birthday, with a greeting. Transactional."""

from __future__ import annotations

from datetime import date, datetime

from domain.birthday_bonus import birthday_key, earns_birthday_bonus
from domain.jobs import shop_day
from domain.ledger import EntryKind, LedgerResult
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.points import earn_points

GREETING_TEMPLATE = "birthday_bonus"


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
    await uow.outbox.add(
        OutboxMessage(
            customer_id=customer_id,
            template=GREETING_TEMPLATE,
            context={
                "points": result.entry.points,
                "expires_on": shop_day(expires, timezone).isoformat() if expires else None,
                "balance": result.balance,
            },
            dedupe_key=key,
            created_at=now,
        )
    )
    return result
