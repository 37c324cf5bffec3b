"""Data-subject requests made at the desk or in writing: export and erasure, each on record."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from domain.data_requests import REASON_MAX, DataRequest
from domain.services.data_requests import erase_on_request, export_on_request
from webhooks.deps import AdminAuthor, Deps
from webhooks.errors import DomainErrorRoute, error_responses
from webhooks.fields import INT64_MAX

CustomerId = Annotated[int, Path(ge=1, le=INT64_MAX)]
Reason = Annotated[
    str,
    Query(
        min_length=1,
        max_length=REASON_MAX,
        examples=["written request of 2026-11-30, received at the desk"],
        description="Whose request this answers and how it came: kept in the audit trail",
    ),
]

router = APIRouter(prefix="/customers", tags=["data requests"], route_class=DomainErrorRoute)


class DataRequestOut(BaseModel):
    id: int
    customer_id: int
    kind: str = Field(description="`export` or `erasure`")
    author: str = Field(description="Who at the shop answered it (`api:admin[:<X-Actor>]`)")
    reason: str
    at: datetime

    @classmethod
    def of(cls, r: DataRequest) -> DataRequestOut:
        assert r.id is not None
        return cls(
            id=r.id, customer_id=r.customer_id, kind=r.kind.value, author=r.author, reason=r.reason, at=r.at
        )


class DataRequestList(BaseModel):
    items: list[DataRequestOut]


@router.get("/{customer_id}/export", responses=error_responses(404, 422))
async def export_customer(
    deps: Deps, customer_id: CustomerId, reason: Reason, author: AdminAuthor
) -> dict[str, Any]:
    """Everything kept about the customer, as /export gives it in chat; the request is recorded."""
    async with deps.uow() as uow:
        data = await export_on_request(uow, customer_id, author=author, reason=reason, now=deps.clock.now())
        await uow.commit()
    return data


@router.delete("/{customer_id}", response_model=DataRequestOut, responses=error_responses(404, 422))
async def erase_customer(
    deps: Deps, customer_id: CustomerId, reason: Reason, author: AdminAuthor
) -> DataRequestOut:
    """Erase the account as /delete_me does (personal data gone, anonymous totals kept); recorded."""
    async with deps.uow() as uow:
        done = await erase_on_request(uow, customer_id, author=author, reason=reason, now=deps.clock.now())
        await uow.commit()
    return DataRequestOut.of(done)


@router.get("/{customer_id}/data-requests", response_model=DataRequestList, responses=error_responses(422))
async def data_requests(deps: Deps, customer_id: CustomerId) -> DataRequestList:
    """The exports and erasures done for this customer id, oldest first; kept after an erasure."""
    async with deps.uow() as uow:
        return DataRequestList(
            items=[DataRequestOut.of(r) for r in await uow.data_requests.of_customer(customer_id)]
        )
