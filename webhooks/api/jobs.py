"""Scheduled jobs on demand: run one now, as if today were the given date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from domain.jobs import FutureDay
from webhooks.deps import Deps
from webhooks.errors import DomainErrorRoute, error_responses
from webhooks.fields import EARLIEST_YEAR, LATEST_YEAR

router = APIRouter(prefix="/jobs", tags=["jobs"], route_class=DomainErrorRoute)


class JobRunOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "job": "ledger_reconciliation",
                    "date": "2026-11-22",
                    "status": "done",
                    "counts": {"customers": 1342, "mismatches": 1},
                    "details": {"mismatched_customer_ids": [17]},
                },
                {
                    "job": "points_expiry",
                    "date": "2026-11-22",
                    "status": "already_done",
                    "counts": {},
                    "details": {},
                },
            ]
        }
    )

    job: str
    date: dt.date
    status: Literal["done", "already_done"] = Field(
        description="`already_done`: that day's run was claimed before (a repeat or another replica); "
        "`counts` are the earlier run's once it has finished."
    )
    counts: dict[str, int]
    details: dict[str, list[int]] = Field(
        description="Ids an operator should look at, e.g. `mismatched_customer_ids` of the reconciliation."
    )


@router.post("/{name}/run", response_model=JobRunOut, responses=error_responses(404, 422))
async def run_job(
    deps: Deps,
    name: Annotated[str, Path(max_length=64, examples=["points_expiry"])],
    date: Annotated[
        dt.date | None,
        Query(description="The shop's date to do the work of (YYYY-MM-DD); today when left out"),
    ] = None,
) -> JobRunOut:
    """Run one scheduled job now, once per date: a repeat answers `already_done`."""
    jobs = deps.jobs
    day = date or jobs.today()
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise HTTPException(
            422,
            [
                {
                    "loc": ["query", "date"],
                    "msg": f"the year must be between {EARLIEST_YEAR} and {LATEST_YEAR}",
                    "type": "value_error",
                }
            ],
        )
    try:
        result = await jobs.run(name, day)
    except FutureDay as exc:
        raise HTTPException(
            422, [{"loc": ["query", "date"], "msg": str(exc), "type": "value_error"}]
        ) from None
    return JobRunOut(
        job=result.job,
        date=result.day,
        status=result.status.value,
        counts=result.counts,
        details=result.details,
    )
