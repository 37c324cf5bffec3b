"""What a campaign message needs at delivery: the recipient's bonus, credited once, and the variables
its template is rendered with, read as the customer is at that moment."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from domain.campaigns import Campaign, message_key
from domain.customers import Customer
from domain.errors import DomainError
from domain.ledger import EntryKind
from domain.ports import UnitOfWork
from domain.repairs import MINOR_PER_UNIT
from domain.rules import ProgramRules
from domain.services.points import earn_points
from domain.services.tiers import get_tier_progress

log = logging.getLogger(__name__)


async def credit_campaign_bonus(
    uow: UnitOfWork, rules: ProgramRules, campaign: Campaign, run_id: int, customer_id: int, now: datetime
) -> bool:
    """The run's bonus for one recipient, once (source key `campaign:<run>:<customer>`), as their
    message goes out; False when there is none to credit (no bonus, a repeat, the balance at the
    program's ceiling): a refusal never stops the message being recorded as sent."""
    if campaign.bonus_points <= 0:
        return False
    try:
        result = await earn_points(
            uow,
            customer_id=customer_id,
            points=campaign.bonus_points,
            kind=EntryKind.CAMPAIGN,
            source_key=message_key(run_id, customer_id),
            now=now,
            expires_in_days=rules.marketing.campaign_bonus_expires_days,
            reason=f"campaign {campaign.id}: {campaign.name}"[:500],
        )
    except DomainError as exc:  # the balance at its ceiling, the customer deleted meanwhile
        log.warning("campaign %s: no bonus for customer %s: %s", campaign.id, customer_id, exc)
        return False
    return not result.duplicate


async def campaign_variables(
    uow: UnitOfWork, rules: ProgramRules, customer: Customer, campaign: Campaign, now: datetime
) -> dict[str, Any]:
    """The values messages/campaigns.py documents, for this customer now."""
    progress = await get_tier_progress(uow, rules, customer, now)
    return {
        "name": customer.name or "",
        "points": customer.points_balance,
        "tier": progress.current.name(customer.locale),
        "next_tier": progress.next.name(customer.locale) if progress.next is not None else "",
        "points_to_next_tier": -(-progress.left_to_next_minor // MINOR_PER_UNIT),
        "bonus_points": campaign.bonus_points,
    }
