"""The KPI report and a campaign's results on the wire: rates as fractions (null over nothing),
money as decimal strings with two decimals, counts as integers. The CLI prints the same models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.reports import CampaignResults, GroupOutcome, KpiReport
from webhooks.fields import minor_to_money

MoneyOut = str


def _money(minor: int | None) -> MoneyOut | None:
    return None if minor is None else minor_to_money(minor)


def _rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class PeriodOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: dt.date = Field(alias="from", description="First shop day, included")
    to: dt.date = Field(description="Last shop day, included")
    timezone: str


class LtvPointOut(BaseModel):
    month: str = Field(examples=["2026-11"])
    members: int
    ltv: MoneyOut | None = Field(description="LTV at the end of the month (or of the period)")


class PointsMonthOut(BaseModel):
    month: str = Field(examples=["2026-11"])
    issued: int
    redeemed: int
    expired: int


class KpiOut(BaseModel):
    """Every figure is defined in docs/kpi.md."""

    period: PeriodOut
    currency: str
    members: int = Field(description="Members at the end of the period")
    members_at_start: int
    new_members: int
    customers_seen: int = Field(description="Distinct customers, members or not, with a completed repair")
    participation_rate: float | None
    retention_rate: float | None = Field(description="CRR = (E - N) / S")
    churn_rate: float | None
    repeat_visit_rate: float | None
    ltv: MoneyOut | None
    ltv_trend: list[LtvPointOut]
    avg_check_members: MoneyOut | None
    avg_check_non_members: MoneyOut | None
    points_issued: int
    points_redeemed: int
    points_expired: int
    points_outstanding: int
    points_by_month: list[PointsMonthOut]
    tiers: dict[str, int] = Field(description="Members today by their tier now (tiers keep no history)")
    points_liability: MoneyOut = Field(description="Outstanding points at the end, in money")
    breakage: float | None
    redemption_rate: float | None
    avg_reward: MoneyOut | None = Field(description="The average credit's value")
    csat: float | None = Field(
        description="CSAT: the share (0..1) of repair scores of 4 or 5 among the scores given in the"
        " period; null when none was given"
    )
    messages_sent: dict[str, int]
    redeemed_value: MoneyOut
    bonuses_spent: MoneyOut = Field(description="Part of redeemed_value drawn from bonus points")
    messaging_cost: MoneyOut
    program_cost: MoneyOut
    attributable_revenue: MoneyOut | None
    roi_basis: Literal["holdout", "members_vs_non_members"]
    roi: float | None

    @classmethod
    def of(cls, r: KpiReport, timezone: str, currency: str) -> KpiOut:
        m, p = r.members, r.points
        return cls(
            period=PeriodOut(from_=r.period.first, to=r.period.last, timezone=timezone),
            currency=currency,
            members=m.members,
            members_at_start=m.members_at_start,
            new_members=m.new_members,
            customers_seen=m.customers_seen,
            participation_rate=_rate(r.participation_rate),
            retention_rate=_rate(r.retention_rate),
            churn_rate=_rate(r.churn_rate),
            repeat_visit_rate=_rate(r.repeat_visit_rate),
            ltv=_money(r.ltv_minor),
            ltv_trend=[
                LtvPointOut(month=t.month, members=t.members, ltv=_money(t.ltv_minor)) for t in m.ltv_trend
            ],
            avg_check_members=_money(r.avg_check_members_minor),
            avg_check_non_members=_money(r.avg_check_non_members_minor),
            points_issued=p.issued,
            points_redeemed=p.redeemed,
            points_expired=p.expired,
            points_outstanding=p.outstanding,
            points_by_month=[
                PointsMonthOut(month=x.month, issued=x.issued, redeemed=x.redeemed, expired=x.expired)
                for x in p.by_month
            ],
            tiers={t.tier: t.members for t in m.tiers},
            points_liability=minor_to_money(r.liability_minor),
            breakage=_rate(r.breakage),
            redemption_rate=_rate(r.redemption_rate),
            avg_reward=_money(r.avg_reward_minor),
            csat=_rate(r.csat),
            messages_sent=r.costs.messages_by_channel,
            redeemed_value=minor_to_money(r.redeemed_minor),
            bonuses_spent=minor_to_money(r.bonuses_spent_minor),
            messaging_cost=minor_to_money(r.costs.messaging_minor),
            program_cost=minor_to_money(r.program_cost_minor),
            attributable_revenue=_money(r.attributable_revenue_minor),
            roi_basis="holdout" if r.roi_basis == "holdout" else "members_vs_non_members",
            roi=_rate(r.roi),
        )


class GroupOut(BaseModel):
    customers: int
    repairs: int
    revenue: MoneyOut
    revenue_per_customer: MoneyOut | None

    @classmethod
    def of(cls, g: GroupOutcome) -> GroupOut:
        return cls(
            customers=g.customers,
            repairs=g.repairs,
            revenue=minor_to_money(g.revenue_minor),
            revenue_per_customer=_money(g.revenue_per_customer_minor),
        )


class CampaignResultsOut(BaseModel):
    """Defined in docs/kpi.md ("Campaign results")."""

    campaign_id: int
    runs: int
    recipients: int = Field(description="Chosen to receive it, the holdout not included")
    delivered: int = Field(description="Messages the platform accepted")
    holdout: int
    attribution_days: int
    recipients_outcome: GroupOut = Field(description="Delivered recipients, from their delivery")
    holdout_outcome: GroupOut = Field(description="Held-out members, from the run's start")
    lift: MoneyOut | None = Field(description="Revenue per recipient minus per held-out member")
    lift_rate: float | None
    incremental_revenue: MoneyOut | None
    bonus_points: int
    cost: MoneyOut
    roi: float | None

    @classmethod
    def of(cls, r: CampaignResults) -> CampaignResultsOut:
        return cls(
            campaign_id=r.campaign_id,
            runs=r.runs,
            recipients=r.recipients,
            delivered=r.delivered,
            holdout=r.holdout,
            attribution_days=r.attribution_days,
            recipients_outcome=GroupOut.of(r.reached),
            holdout_outcome=GroupOut.of(r.held_out),
            lift=_money(r.lift_minor),
            lift_rate=_rate(r.lift_rate),
            incremental_revenue=_money(r.incremental_revenue_minor),
            bonus_points=r.bonus_points,
            cost=minor_to_money(r.cost_minor),
            roi=_rate(r.roi),
        )
