"""Award the badges a member has earned and does not hold yet, each once (BadgeAwarded per award)."""

from __future__ import annotations

from datetime import datetime

from domain.badges import Badge, BadgeCondition, BadgeFacts, is_earned
from domain.events import BadgeAwarded
from domain.ports import UnitOfWork
from domain.rules import ProgramRules


async def award_badges(
    uow: UnitOfWork,
    rules: ProgramRules,
    customer_id: int,
    now: datetime,
    *,
    conditions: frozenset[BadgeCondition] | None = None,
    as_of: datetime | None = None,
) -> list[str]:
    """Check the member's badges (those of `conditions`, or all) and award the earned ones.

    Days in the program are whole days from registration to `as_of` (default: `now`); the daily
    review passes the end of the shop's day, so the badge comes on the anniversary's date.

    The store's insert-or-ignore decides who awards: of two transactions earning the same badge at
    once, only the one whose row went in records BadgeAwarded, so it is announced once.
    """
    candidates = [b for b in rules.badges if conditions is None or b.condition in conditions]
    if not candidates:
        return []
    customer = await uow.customers.get(customer_id)
    if customer is None or customer.is_deleted or customer.pd_consent_at is None:
        return []
    held = {b.key for b in await uow.badges.of_customer(customer_id)}
    candidates = [b for b in candidates if b.key not in held]
    if not candidates:
        return []
    ranks = {tier.key: i for i, tier in enumerate(rules.tiers)}
    facts = BadgeFacts(
        completed_repairs=await _count(uow, candidates, BadgeCondition.REPAIRS, customer_id),
        friends_invited=await _count(uow, candidates, BadgeCondition.FRIENDS_INVITED, customer_id),
        days_in_program=max(0, ((as_of or now) - customer.registered_at).days),
        tier_rank=ranks.get(customer.tier, 0),
    )
    awarded: list[str] = []
    for badge in candidates:
        if is_earned(badge, facts, ranks) and await uow.badges.award(customer_id, badge.key, now):
            awarded.append(badge.key)
            await uow.record(
                BadgeAwarded(at=now, customer_id=customer_id, badge_key=badge.key, names=dict(badge.names))
            )
    return awarded


async def _count(uow: UnitOfWork, badges: list[Badge], condition: BadgeCondition, customer_id: int) -> int:
    if not any(b.condition is condition for b in badges):
        return 0  # nobody asks: spare the query
    if condition is BadgeCondition.REPAIRS:
        return await uow.badges.completed_repairs(customer_id)
    return await uow.customers.count_referred(customer_id)
