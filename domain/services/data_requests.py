"""Exports and erasures asked for at the desk or in writing, each done with its record in one unit of work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.data_requests import REASON_MAX, DataRequest, DataRequestKind, ReasonRequired
from domain.ports import UnitOfWork
from domain.services.customers import live_customer
from domain.services.privacy import delete_customer, export_customer_data


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise ReasonRequired("a data request needs its reason: whose request it answers and how it came")
    if len(reason) > REASON_MAX:
        raise ReasonRequired(f"the reason is longer than {REASON_MAX} characters")
    return reason


async def export_on_request(
    uow: UnitOfWork, customer_id: int, *, author: str, reason: str, now: datetime
) -> dict[str, Any]:
    """Everything kept about the customer, and the request recorded (the record is in the export too)."""
    why = _reason(reason)
    await live_customer(uow, customer_id)
    await uow.data_requests.record(
        DataRequest(customer_id=customer_id, kind=DataRequestKind.EXPORT, author=author, reason=why, at=now)
    )
    return await export_customer_data(uow, customer_id)


async def erase_on_request(
    uow: UnitOfWork, customer_id: int, *, author: str, reason: str, now: datetime
) -> DataRequest:
    """Erase the account as /delete_me does, and record who did it and why."""
    why = _reason(reason)
    await live_customer(uow, customer_id, lock=True)
    await delete_customer(uow, customer_id, now)
    return await uow.data_requests.record(
        DataRequest(customer_id=customer_id, kind=DataRequestKind.ERASURE, author=author, reason=why, at=now)
    )
