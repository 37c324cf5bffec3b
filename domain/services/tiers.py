"""Tier evaluation against the repairs kept in the store."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.rules import ProgramRules, Tier
from domain.tiers import TierProgress, tier_progress, upgrade_if_earned


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
