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
        return _ending_with(current, offer)
    return await uow.offer_codes.issue(
        OfferCode(
            code=new_code(),
            customer_id=customer_id,
            offer_key=offer.key,
            valid_until=code_valid_until(offer, today, rules.offers_code_valid_days),
            issued_at=now,
        )
    )


async def find_offer_code(uow: UnitOfWork, rules: ProgramRules, code: str) -> OfferCode:
    """The code; a deleted member's code is gone with the account (unknown, never usable).

    A code lasts to its offer's end: when the rules have since moved that end earlier, the
    earlier day is the code's last day.
    """
    found = await uow.offer_codes.get(code)
    owner = await uow.customers.get(found.customer_id) if found is not None else None
    if found is None or owner is None or owner.is_deleted:
        raise OfferCodeNotFound(f"offer code {code} not found")
    offer = next((o for o in rules.offers if o.key == found.offer_key), None)
    return _ending_with(found, offer) if offer is not None else found


def _ending_with(code: OfferCode, offer: Offer) -> OfferCode:
    """The code's last day, brought forward to its offer's end if the rules moved that earlier."""
    if offer.valid_until is not None and offer.valid_until < code.valid_until:
        code.valid_until = offer.valid_until
    return code


async def use_offer_code(
    uow: UnitOfWork, rules: ProgramRules, code: str, today: date, now: datetime, author: str
) -> OfferCode:
    """Mark the code used, once: a used or expired code is refused and nothing changes."""
    found = await find_offer_code(uow, rules, code)
    if found.status(today) != OfferCodeStatus.EXPIRED and await uow.offer_codes.mark_used(
        code, today, now, author
    ):
        found.used, found.used_at, found.used_by = True, now, author
        return found
    found = await find_offer_code(uow, rules, code)  # someone else won, or it was never usable today
    if found.status(today) == OfferCodeStatus.EXPIRED:
        raise OfferCodeExpired(f"offer code {code} expired on {found.valid_until.isoformat()}")
    raise OfferCodeAlreadyUsed(f"offer code {code} was already used at {_at(found.used_at)}")


def _at(moment: datetime | None) -> str:
    return moment.isoformat() if moment else "an unknown time"
