"""Read models of the chat screens, built from the store inside a unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from domain.badges import AwardedBadge
from domain.customers import Customer
from domain.offers import history_from, matching_offers
from domain.ports import UnitOfWork
from domain.repairs import FINAL_STATUSES
from domain.rules import ProgramRules
from domain.services.offer_codes import personal_code
from domain.services.referral_views import referral_summary
from domain.services.tiers import get_tier_progress
from domain.views import (
    BadgeLine,
    BalanceView,
    InviteView,
    OffersView,
    ProfileView,
    RepairsView,
    TierView,
    offer_view,
)

RECENT_ENTRIES = 5
RECENT_REPAIRS = 5
ACTIVE_REPAIRS = 10
# The screen counts what it leaves out among this many newest repairs (a corporate customer may
# have hundreds; their chat shows the newest and the number of the others).
COUNTED_REPAIRS = 1000


def _id(customer: Customer) -> int:
    assert customer.id is not None
    return customer.id


async def get_balance_view(uow: UnitOfWork, customer: Customer) -> BalanceView:
    cid = _id(customer)
    lots = [lot for lot in await uow.ledger.open_lots(cid) if lot.expires_at is not None]
    next_at = min((lot.expires_at for lot in lots if lot.expires_at), default=None)
    next_points = sum(
        lot.remaining or 0
        for lot in lots
        if next_at and lot.expires_at and lot.expires_at.date() == next_at.date()
    )
    return BalanceView(
        name=customer.name,
        balance=await uow.ledger.balance_of(cid),
        recent=tuple(await uow.ledger.history(cid, limit=RECENT_ENTRIES)),
        next_expiry_points=next_points,
        next_expiry_at=next_at,
    )


async def get_repairs_view(uow: UnitOfWork, customer: Customer) -> RepairsView:
    repairs = await uow.repairs.of_customer(_id(customer), limit=COUNTED_REPAIRS)
    active = [r for r in repairs if r.status not in FINAL_STATUSES]
    recent = [r for r in repairs if r.status in FINAL_STATUSES]
    return RepairsView(
        active=tuple(active[:ACTIVE_REPAIRS]),
        recent=tuple(recent[:RECENT_REPAIRS]),
        more_active=max(0, len(active) - ACTIVE_REPAIRS),
        more_recent=max(0, len(recent) - RECENT_REPAIRS),
    )


async def get_tier_view(uow: UnitOfWork, rules: ProgramRules, customer: Customer, now: datetime) -> TierView:
    progress = await get_tier_progress(uow, rules, customer, now)
    locale = customer.locale
    nxt = progress.next
    return TierView(
        tier_key=progress.current.key,
        tier_name=progress.current.name(locale),
        earn_rate_percent=_percent(progress.current.earn_rate_percent),
        perks=progress.current.perks,
        next_tier_name=nxt.name(locale) if nxt else None,
        next_earn_rate_percent=_percent(nxt.earn_rate_percent) if nxt else None,
        next_perks=nxt.perks if nxt else (),
        spent_minor=progress.spent_minor,
        left_to_next_minor=progress.left_to_next_minor,
        to_keep_minor=progress.to_keep_minor,
        progress_ratio=progress.progress_ratio,
        window_days=rules.tier_window_days,
    )


def _percent(value: object) -> str:
    text = f"{value}"
    return text.rstrip("0").rstrip(".") if "." in text else text


async def get_offers_view(
    uow: UnitOfWork, rules: ProgramRules, customer: Customer, now: datetime, today: date
) -> OffersView:
    """The offers that fit, best first; each shop offer with the customer's personal code (issued
    here on first show: the caller commits)."""
    history = history_from(await uow.repairs.of_customer(_id(customer), limit=1000), customer.tier)
    offers = []
    for offer in matching_offers(rules, history, now, today):
        code = None
        if offer.promo_code is None:
            code = await personal_code(uow, rules, _id(customer), offer, today, now)
        offers.append(offer_view(offer, customer.locale, code))
    return OffersView(offers=tuple(offers), marketing_opt_in=customer.marketing_opt_in)


async def get_invite_view(uow: UnitOfWork, rules: ProgramRules, customer: Customer, link: str) -> InviteView:
    summary = await referral_summary(uow, _id(customer))
    return InviteView(
        link=link,
        friend_bonus=rules.referral.friend_bonus,
        referrer_bonus=rules.referral.referrer_bonus,
        min_first_repair_minor=rules.referral.min_first_repair_minor,
        invited=await uow.customers.count_referred(_id(customer)),
        pending=summary.pending,
        rewarded=summary.rewarded,
    )


def get_profile_view(
    rules: ProgramRules, customer: Customer, phone_masked: str, held: Sequence[AwardedBadge] = ()
) -> ProfileView:
    """`held`: the member's badges, oldest first; one no longer in the rules keeps its key as name."""
    declared = {badge.key: badge for badge in rules.badges}

    def name(key: str) -> str:
        badge = declared.get(key)
        return badge.name(customer.locale) if badge is not None else key

    return ProfileView(
        name=customer.name,
        phone_masked=phone_masked,
        birthday=customer.birthday,
        locale=customer.locale,
        marketing_opt_in=customer.marketing_opt_in,
        pd_consent_at=customer.pd_consent_at,
        pd_policy_version=customer.pd_policy_version,
        tier_name=rules.tier(customer.tier).name(customer.locale),
        member_since=customer.registered_at,
        badges=tuple(BadgeLine(name(b.key), b.awarded_at) for b in held),
    )
