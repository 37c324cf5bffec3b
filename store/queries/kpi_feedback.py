"""CSAT in SQL: the share of 4 and 5 scores among the repair scores given in the period."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.reports import KpiPeriod, rate
from store.queries.kpi_sql import count_if
from store.tables_feedback import repair_feedback

SATISFIED_FROM = 4  # a 4 or a 5 is a satisfied customer (docs/kpi.md, CSAT)


async def csat(session: AsyncSession, period: KpiPeriod) -> Decimal | None:
    """One statement over the scores answered in [start, end); None when there were none. A
    deleted customer's score counts (it is kept anonymous for this)."""
    f = repair_feedback.c
    answered, satisfied = (
        await session.execute(
            sa.select(sa.func.count(), count_if(f.score >= SATISFIED_FROM)).where(
                f.score.is_not(None), f.answered_at >= period.start, f.answered_at < period.end
            )
        )
    ).one()
    return rate(int(satisfied or 0), int(answered or 0))
