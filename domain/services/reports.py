"""Read the KPI report of a period and a campaign's results (the definitions: docs/kpi.md)."""

from __future__ import annotations

from datetime import date

from domain.campaigns import Campaign, CampaignNotFound
from domain.ports import UnitOfWork
from domain.reports import CampaignResults, KpiReport, kpi_period
from domain.rules import ProgramRules


async def read_kpi(
    uow: UnitOfWork,
    rules: ProgramRules,
    *,
    first: date | None,
    last: date | None,
    today: date,
    timezone: str,
) -> KpiReport:
    """The report for shop days `first`..`last` (the last 30 days up to today by default);
    InvalidPeriod for bounds that make no period."""
    period = kpi_period(first, last, today, timezone)
    return await uow.reports.kpi(period, rules, timezone)


async def read_campaign_results(uow: UnitOfWork, rules: ProgramRules, campaign_id: int) -> CampaignResults:
    results = await uow.reports.campaign_results(campaign_id, rules)
    if results is None:
        raise CampaignNotFound(f"no campaign {campaign_id}")
    return results


async def recent_campaign_results(
    uow: UnitOfWork, rules: ProgramRules, limit: int
) -> list[tuple[Campaign, CampaignResults]]:
    """The newest `limit` campaigns with their results (the dashboard's lift per campaign)."""
    found: list[tuple[Campaign, CampaignResults]] = []
    for campaign in await uow.campaigns.page(before_id=None, limit=limit):
        if campaign.id is None:
            continue
        results = await uow.reports.campaign_results(campaign.id, rules)
        if results is not None:
            found.append((campaign, results))
    return found
