"""Whose birthday it is: one query by month and day, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.birthday_bonus import BirthdayRepository
from store.tables import customers


class SqlBirthdayRepository(BirthdayRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def born_on(self, dates: list[tuple[int, int]], *, after_id: int, limit: int) -> list[int]:
        c = customers.c
        on = sa.or_(
            *[
                sa.and_(sa.extract("month", c.birthday) == month, sa.extract("day", c.birthday) == day)
                for month, day in dates
            ]
        )
        stmt = (
            sa.select(c.id)
            .where(c.deleted_at.is_(None), c.pd_consent_at.is_not(None), c.birthday.is_not(None), on)
            .where(c.id > after_id)
            .order_by(c.id)
            .limit(limit)
        )
        return list((await self._s.scalars(stmt)).all())
