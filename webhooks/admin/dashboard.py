"""The overview: the KPI report of a chosen period (the same use case as GET /api/v1/kpi) and its charts."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from fastapi.responses import Response

from domain.campaigns import Campaign
from domain.jobs import shop_day
from domain.reports import CampaignResults, InvalidPeriod, KpiReport
from domain.services.reports import read_kpi, recent_campaign_results
from webhooks.admin import charts
from webhooks.admin.forms import Form
from webhooks.admin.visit import SignedIn
from webhooks.deps import Deps
from webhooks.fields import EARLIEST_YEAR, LATEST_YEAR

router = APIRouter()
CHART_MONTHS = 12  # the monthly charts show at least the last year up to the period's end
CAMPAIGNS_SHOWN = 8


def _chart_start(report: KpiReport) -> dt.date:
    last = report.period.last
    months = last.year * 12 + last.month - 1 - (CHART_MONTHS - 1)
    start = dt.date(months // 12, months % 12 + 1, 1)
    return min(start, report.period.first)


@router.get("", include_in_schema=False)
async def dashboard(visit: SignedIn, deps: Deps) -> Response:
    form = Form(dict(visit.request.query_params))
    first, last = form.date("from"), form.date("to")
    for name, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            form.fail(name, "form.out_of_range", min=EARLIEST_YEAR, max=LATEST_YEAR)
    report = history = None
    campaigns: list[tuple[Campaign, CampaignResults]] = []
    if form.ok:
        today = shop_day(deps.clock.now(), deps.timezone)
        async with deps.uow() as uow:
            try:
                report = await read_kpi(
                    uow, deps.rules, first=first, last=last, today=today, timezone=deps.timezone
                )
            except InvalidPeriod as exc:
                form.fail(exc.field, "dashboard.bad_period")
            if report is not None:
                start = _chart_start(report)
                history = report
                if start < report.period.first:  # the same report, over the longer window
                    history = await read_kpi(
                        uow,
                        deps.rules,
                        first=start,
                        last=report.period.last,
                        today=today,
                        timezone=deps.timezone,
                    )
                campaigns = await recent_campaign_results(uow, deps.rules, CAMPAIGNS_SHOWN)
    if report is not None:
        form.values.setdefault("from", report.period.first.isoformat())
        form.values.setdefault("to", report.period.last.isoformat())
    return visit.render(
        "dashboard.html",
        status=200 if report else 422,
        form=form,
        report=report,
        plots=_plots(visit, deps, report, history, campaigns) if report and history else None,
        nav="dashboard",
    )


def _plots(
    visit: SignedIn,
    deps: Deps,
    report: KpiReport,
    history: KpiReport,
    campaigns: list[tuple[Campaign, CampaignResults]],
) -> dict[str, object]:
    words = visit.words
    trend = history.members.ltv_trend
    months = history.points.by_month
    names = {tier.key: tier.name(words.locale) for tier in deps.rules.tiers}
    return {
        "first": history.period.first,
        "members": charts.line(
            charts.month_axis([p.month for p in trend], words.month), [p.members for p in trend]
        ),
        "points": charts.grouped_bars(
            charts.month_axis([m.month for m in months], words.month),
            [[m.issued for m in months], [m.redeemed for m in months], [m.expired for m in months]],
        ),
        "points_total": sum(m.issued + m.redeemed + m.expired for m in months),
        "tiers": charts.shares([(names.get(t.tier, t.tier), t.members) for t in history.members.tiers]),
        "campaigns": charts.diverging([(c.name, r.lift_minor) for c, r in campaigns]),
        "campaign_results": [r for _, r in campaigns],
        "csat_end": charts.arc_end(float(report.csat)) if report.csat is not None else None,
    }
