"""What a campaign being drafted would reach, and the values its texts would be rendered with for a
sample member in each language: read-only, for the /admin editor."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.campaigns import Campaign
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.segments import SegmentFilter, SegmentMember
from domain.services.campaign_messages import campaign_variables
from domain.services.segments import preview_segment


@dataclass(frozen=True)
class CampaignPreview:
    count: int
    sample: tuple[SegmentMember, ...]
    member: SegmentMember | None  # whom the texts are previewed for: the first of the sample
    variables: dict[str, dict[str, Any]]  # locale -> the template values, as delivery computes them


async def preview_campaign(
    uow: UnitOfWork,
    rules: ProgramRules,
    spec: SegmentFilter,
    *,
    bonus_points: int,
    locales: Iterable[str],
    now: datetime,
    sample_size: int = 5,
) -> CampaignPreview:
    """The segment's count and first members, and the first member's template values as the
    delivery would compute them, in each language (tier names are per language). Writes nothing."""
    segment = await preview_segment(uow, spec, now, sample_size)
    member = segment.sample[0] if segment.sample else None
    customer = await uow.customers.get(member.id) if member is not None else None
    variables: dict[str, dict[str, Any]] = {}
    if customer is not None:
        draft = Campaign(name="", filter={}, messages={}, created_at=now, bonus_points=bonus_points)
        for locale in locales:
            variables[locale] = await campaign_variables(
                uow, rules, replace(customer, locale=locale), draft, now
            )
    return CampaignPreview(segment.count, segment.sample, member, variables)
