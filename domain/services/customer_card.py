"""A member's whole card for the desk and the admin pages: profile, channels, ledger page, repairs,
badges and referrals, read in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from domain.badges import AwardedBadge
from domain.customers import ChannelIdentity, Customer
from domain.ledger import LedgerEntry
from domain.ports import UnitOfWork
from domain.repairs import Repair
from domain.services.customers import live_customer
from domain.services.referral_views import ReferralSummary, referral_summary


@dataclass(frozen=True)
class CustomerCard:
    customer: Customer
    channels: tuple[ChannelIdentity, ...]
    ledger: tuple[LedgerEntry, ...]  # newest first, one page
    more_ledger: bool  # older entries exist: ask again with before_id = ledger[-1].id
    repairs: tuple[Repair, ...]  # newest first
    badges: tuple[AwardedBadge, ...]
    referrals: ReferralSummary


async def read_customer_card(
    uow: UnitOfWork,
    customer_id: int,
    *,
    ledger_limit: int = 50,
    before_id: int | None = None,
    repairs_limit: int = 20,
) -> CustomerCard:
    """CustomerNotFound for an unknown or deleted customer."""
    customer = await live_customer(uow, customer_id)
    entries = await uow.ledger.history(customer_id, limit=ledger_limit + 1, before_id=before_id)
    return CustomerCard(
        customer=customer,
        channels=tuple(await uow.identities.of_customer(customer_id)),
        ledger=tuple(entries[:ledger_limit]),
        more_ledger=len(entries) > ledger_limit,
        repairs=tuple(await uow.repairs.of_customer(customer_id, limit=repairs_limit)),
        badges=tuple(await uow.badges.of_customer(customer_id)),
        referrals=await referral_summary(uow, customer_id),
    )
