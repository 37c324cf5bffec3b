"""The audit trail of data-subject requests: insert and read, never update."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.data_requests import DataRequest, DataRequestKind, DataRequestLog
from store.tables_privacy import data_requests


class SqlDataRequestLog(DataRequestLog):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def record(self, request: DataRequest) -> DataRequest:
        request.id = await self._s.scalar(
            sa.insert(data_requests)
            .values(
                customer_id=request.customer_id,
                kind=request.kind.value,
                author=request.author,
                reason=request.reason,
                at=request.at,
            )
            .returning(data_requests.c.id)
        )
        return request

    async def of_customer(self, customer_id: int) -> list[DataRequest]:
        rows = await self._s.execute(
            sa.select(data_requests)
            .where(data_requests.c.customer_id == customer_id)
            .order_by(data_requests.c.id)
        )
        return [
            DataRequest(
                id=r.id,
                customer_id=r.customer_id,
                kind=DataRequestKind(r.kind),
                author=r.author,
                reason=r.reason,
                at=r.at,
            )
            for r in rows
        ]
