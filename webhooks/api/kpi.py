"""The program's KPIs for a period of shop days."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from domain.jobs import shop_day
from domain.reports import InvalidPeriod
from domain.services.reports import read_kpi
from webhooks.api.kpi_schemas import KpiOut
from webhooks.deps import Deps
from webhooks.errors import DomainErrorRoute, error_responses
from webhooks.fields import EARLIEST_YEAR, LATEST_YEAR

router = APIRouter(prefix="/kpi", tags=["kpi"], route_class=DomainErrorRoute)


def _refused(field: str, reason: str) -> HTTPException:
    return HTTPException(422, [{"loc": ["query", field], "msg": reason, "type": "value_error"}])


@router.get("", response_model=KpiOut, response_model_by_alias=True, responses=error_responses(422))
async def kpi(
    deps: Deps,
    first: Annotated[
        dt.date | None, Query(alias="from", description="First shop day (YYYY-MM-DD); 30 days before `to`")
    ] = None,
    last: Annotated[dt.date | None, Query(alias="to", description="Last shop day, included; today")] = None,
) -> KpiOut:
    """The KPI report for shop days `from`..`to`, both included (docs/kpi.md defines each figure)."""
    for field, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
            raise _refused(field, f"the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    today = shop_day(deps.clock.now(), deps.timezone)
    async with deps.uow() as uow:
        try:
            report = await read_kpi(
                uow, deps.rules, first=first, last=last, today=today, timezone=deps.timezone
            )
        except InvalidPeriod as exc:
            raise _refused(exc.field, exc.reason) from None
    return KpiOut.of(report, deps.timezone, deps.rules.currency)
