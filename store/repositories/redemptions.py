from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports import RedemptionRepository
from domain.redemptions import Redemption, RedemptionStatus
from store.repositories import field_names, from_row
from store.tables_repairs import redemptions

_FIELDS = field_names(Redemption, "id", "status")


def _redemption(row: Any) -> Redemption:
    return from_row(Redemption, row, status=RedemptionStatus)


class SqlRedemptionRepository(RedemptionRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, redemption: Redemption) -> Redemption:
        values = {f: getattr(redemption, f) for f in _FIELDS}
        result = await self._s.execute(
            sa.insert(redemptions)
            .values(status=redemption.status.value, **values)
            .returning(redemptions.c.id)
        )
        redemption.id = result.scalar_one()
        return redemption

    async def get(self, redemption_id: int, *, lock: bool = False) -> Redemption | None:
        stmt = sa.select(redemptions).where(redemptions.c.id == redemption_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self._s.execute(stmt)).first()
        return _redemption(row) if row else None

    async def update(self, redemption: Redemption) -> None:
        await self._s.execute(
            sa.update(redemptions)
            .where(redemptions.c.id == redemption.id)
            .values(
                status=redemption.status.value,
                attempts=redemption.attempts,
                confirmed_at=redemption.confirmed_at,
                spend_entry_id=redemption.spend_entry_id,
            )
        )

    async def confirmed_for_order(self, customer_id: int, order_id: str) -> list[Redemption]:
        rows = await self._s.execute(
            sa.select(redemptions)
            .where(
                redemptions.c.customer_id == customer_id,
                redemptions.c.order_id == order_id,
                redemptions.c.status == RedemptionStatus.CONFIRMED.value,
            )
            .order_by(redemptions.c.id)
        )
        return [_redemption(r) for r in rows]

    async def of_order(self, order_id: str) -> list[Redemption]:
        rows = await self._s.execute(
            sa.select(redemptions).where(redemptions.c.order_id == order_id).order_by(redemptions.c.id)
        )
        return [_redemption(r) for r in rows]
