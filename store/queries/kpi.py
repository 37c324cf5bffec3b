"""The Reports port in SQL: the KPI report of a period and a campaign's results (docs/kpi.md)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from domain.reports import CampaignResults, KpiPeriod, KpiReport, Reports
from domain.rules import ProgramRules
from store.queries.kpi_campaigns import campaign_counts, holdout_figures, outcomes_by_run, runs, total
from store.queries.kpi_feedback import csat
from store.queries.kpi_members import member_figures, month_ends
from store.queries.kpi_points import cost_figures, point_figures


class SqlReports(Reports):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def kpi(self, period: KpiPeriod, rules: ProgramRules, timezone: str) -> KpiReport:
        kpi = rules.kpi
        return KpiReport(
            period=period,
            members=await member_figures(self._s, period, kpi.churn_horizon_days, timezone),
            points=await point_figures(self._s, period, month_ends(period, timezone)),
            costs=await cost_figures(self._s, period, kpi.message_price_minor),
            holdout=await holdout_figures(self._s, period, kpi.attribution_days),
            minor_per_point=rules.redemption.minor_per_point,
            # CSAT: THE ONE PLACE ITS QUERY GOES. The share of 4 and 5 scores among the repair
            # scores answered in the period (docs/kpi.md); None when none was answered.
            csat=await csat(self._s, period),
        )

    async def campaign_results(self, campaign_id: int, rules: ProgramRules) -> CampaignResults | None:
        counts = await campaign_counts(self._s, campaign_id)
        if counts is None:
            return None
        days = rules.kpi.attribution_days
        outcomes = list((await outcomes_by_run(self._s, runs.campaign_id == campaign_id, days)).values())
        prices = rules.kpi.message_price_minor
        return CampaignResults(
            campaign_id=campaign_id,
            runs=counts.runs,
            recipients=counts.recipients,
            delivered=sum(counts.sent_by_channel.values()),
            holdout=counts.holdout,
            attribution_days=days,
            reached=total([o.reached for o in outcomes]),
            held_out=total([o.held_out for o in outcomes]),
            bonus_points=counts.bonus_points,
            messaging_minor=sum(n * prices.get(ch, 0) for ch, n in counts.sent_by_channel.items()),
            minor_per_point=rules.redemption.minor_per_point,
        )
