"""Personal offer codes: issued on first show, checked and used once at the desk."""

from __future__ import annotations

from datetime import date, datetime

from domain.offer_codes import (
    OfferCode,
    OfferCodeAlreadyUsed,
    OfferCodeExpired,
    OfferCodeNotFound,
    OfferCodeStatus,
    code_valid_until,
    new_code,
)
from domain.ports import UnitOfWork
from domain.rules import Offer, ProgramRules


async def personal_code(
    uow: UnitOfWork, rules: ProgramRules, customer_id: int, offer: Offer, today: date, now: datetime
) -> OfferCode:
    """The customer's code for a shop offer: the one still valid, else a new one for this period."""
    current = await uow.offer_codes.current(customer_id, offer.key, today)
    if current is not None:
        return current
    return await uow.offer_codes.issue(
        OfferCode(
            code=new_code(),
            customer_id=customer_id,
            offer_key=offer.key,
            valid_until=code_valid_until(offer, today, rules.offers_code_valid_days),
            issued_at=now,
        )
    )


async def find_offer_code(uow: UnitOfWork, code: str) -> OfferCode:
    """The code; a deleted member's code is gone with the account (unknown, never usable)."""
    found = await uow.offer_codes.get(code)
    owner = await uow.customers.get(found.customer_id) if found is not None else None
    if found is None or owner is None or owner.is_deleted:
        raise OfferCodeNotFound(f"offer code {code} not found")
    return found


async def use_offer_code(uow: UnitOfWork, code: str, today: date, now: datetime, author: str) -> OfferCode:
    """Mark the code used, once: a used or expired code is refused and nothing changes."""
    found = await find_offer_code(uow, code)
    if await uow.offer_codes.mark_used(code, today, now, author):
        found.used, found.used_at, found.used_by = True, now, author
        return found
    found = await find_offer_code(uow, code)  # someone else won, or it was never usable today
    if found.status(today) == OfferCodeStatus.EXPIRED:
        raise OfferCodeExpired(f"offer code {code} expired on {found.valid_until.isoformat()}")
    raise OfferCodeAlreadyUsed(f"offer code {code} was already used at {_at(found.used_at)}")


def _at(moment: datetime | None) -> str:
    return moment.isoformat() if moment else "an unknown time"
