"""The badges a member holds, and the counts their conditions read."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.badges import AwardedBadge, BadgeRepository
from domain.repairs import RepairStatus
from store.dialect import insert_ignore
from store.tables import customers, repairs
from store.tables_badges import customer_badges


class SqlBadgeRepository(BadgeRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def award(self, customer_id: int, badge_key: str, at: datetime) -> bool:
        stmt = insert_ignore(
            customer_badges,
            ("customer_id", "badge_key"),
            {"customer_id": customer_id, "badge_key": badge_key, "awarded_at": at},
        )
        result = await self._s.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def of_customer(self, customer_id: int) -> list[AwardedBadge]:
        b = customer_badges.c
        rows = await self._s.execute(
            sa.select(b.badge_key, b.awarded_at).where(b.customer_id == customer_id).order_by(b.id)
        )
        return [AwardedBadge(key, at) for key, at in rows.all()]

    async def completed_repairs(self, customer_id: int) -> int:
        r = repairs.c
        value = await self._s.scalar(
            sa.select(sa.func.count())
            .select_from(repairs)
            .where(r.customer_id == customer_id, r.status == RepairStatus.COMPLETED.value)
        )
        return int(value or 0)

    async def members_without(
        self, badge_key: str, registered_before: datetime, *, after_id: int, limit: int
    ) -> list[int]:
        c, b = customers.c, customer_badges.c
        held = sa.select(b.customer_id).where(b.customer_id == c.id, b.badge_key == badge_key).exists()
        stmt = (
            sa.select(c.id)
            .where(c.deleted_at.is_(None), c.pd_consent_at.is_not(None))
            .where(c.registered_at <= registered_before, c.id > after_id, ~held)
            .order_by(c.id)
            .limit(limit)
        )
        return list((await self._s.scalars(stmt)).all())
