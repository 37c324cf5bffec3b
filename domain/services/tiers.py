"""Tier evaluation against the repairs kept in the store: upgrades at once, the monthly review."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.customers import Customer
from domain.events import TierDowngraded, TierUpgraded
from domain.jobs import start_of_day
from domain.ports import UnitOfWork
from domain.rules import ProgramRules, Tier
from domain.tiers import (
    ReviewDecision,
    TierProgress,
    is_review_due,
    review_month,
    review_tier,
    tier_progress,
    tier_rank,
    upgrade_if_earned,
)


async def spent_in_window(uow: UnitOfWork, rules: ProgramRules, customer_id: int, now: datetime) -> int:
    return await uow.repairs.spent_since(customer_id, now - timedelta(days=rules.tier_window_days))


async def apply_tier_upgrade(
    uow: UnitOfWork, rules: ProgramRules, customer: Customer, now: datetime
) -> Tier | None:
    """Upgrade at once when the window's spend reaches a higher tier; never downgrade here."""
    assert customer.id is not None
    fresh = await uow.customers.lock(customer.id)  # `update` writes the whole row: never a stale copy
    assert fresh is not None
    new_tier = upgrade_if_earned(rules, fresh.tier, await spent_in_window(uow, rules, customer.id, now))
    if new_tier is not None:
        fresh.tier = customer.tier = new_tier.key
        fresh.tier_changed_at = customer.tier_changed_at = now
        await uow.customers.update(fresh)
    return new_tier


async def get_tier_progress(
    uow: UnitOfWork, rules: ProgramRules, customer: Customer, now: datetime
) -> TierProgress:
    assert customer.id is not None
    return tier_progress(rules, customer.tier, await spent_in_window(uow, rules, customer.id, now))


async def review_member_tier(
    uow: UnitOfWork, rules: ProgramRules, *, customer_id: int, day: date, timezone: str, now: datetime
) -> ReviewDecision | None:
    """The monthly review of one member on the shop date `day`; None for a customer gone.

    The member gets the tier the window's spend supports, straight to it: an upgrade as an
    upgrade, a downgrade only when their tier did not change in the review's month already (an
    upgrade this month is not taken back this month). Run again the same month, it finds the
    tier it set and keeps it; the message's dedupe key names the month as well.
    """
    customer = await uow.customers.lock(customer_id)
    if customer is None or customer.is_deleted:
        return None
    review_start = start_of_day(day, timezone)
    spent = await spent_in_window(uow, rules, customer_id, review_start)
    current, supported = rules.tier(customer.tier), review_tier(rules, customer.tier, spent)
    rank, supported_rank = tier_rank(rules, current.key), tier_rank(rules, supported.key)
    changed = customer.tier_changed_at
    if supported_rank == rank:
        return ReviewDecision.KEPT
    if (
        supported_rank < rank
        and changed is not None
        and not is_review_due(changed.astimezone(ZoneInfo(timezone)), review_start)
    ):
        return ReviewDecision.KEPT
    customer.tier, customer.tier_changed_at = supported.key, now
    await uow.customers.update(customer)
    month = review_month(day)
    if supported_rank > rank:
        await uow.record(
            TierUpgraded(at=now, customer_id=customer_id, tier_key=supported.key, review_month=month)
        )
        return ReviewDecision.UPGRADED
    await uow.record(
        TierDowngraded(
            at=now,
            customer_id=customer_id,
            tier_key=supported.key,
            previous_tier_key=current.key,
            spent_minor=spent,
            to_regain_minor=current.threshold_minor - spent,
            window_days=rules.tier_window_days,
            review_month=month,
        )
    )
    return ReviewDecision.DOWNGRADED
