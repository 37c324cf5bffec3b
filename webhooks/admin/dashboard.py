"""The overview: the KPI report of a chosen period (the same use case as GET /api/v1/kpi) and its charts."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from domain.jobs import shop_day
from domain.reports import InvalidPeriod
from domain.services.reports import read_kpi
from webhooks.admin.forms import Form
from webhooks.admin.visit import SignedIn
from webhooks.deps import Deps
from webhooks.fields import EARLIEST_YEAR, LATEST_YEAR

router = APIRouter()


@router.get("", include_in_schema=False)
async def dashboard(visit: SignedIn, deps: Deps) -> Response:
    form = Form(dict(visit.request.query_params))
    first, last = form.date("from"), form.date("to")
    for name, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            form.fail(name, "form.out_of_range", min=EARLIEST_YEAR, max=LATEST_YEAR)
    report = None
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
        form.values.setdefault("from", report.period.first.isoformat())
        form.values.setdefault("to", report.period.last.isoformat())
    return visit.render(
        "dashboard.html", status=200 if report else 422, form=form, report=report, nav="dashboard"
    )
