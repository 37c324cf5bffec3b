"""A segment filter compiled to one SQL statement, the same on SQLite and PostgreSQL.

Never a loop over customers in Python: the audience is one SELECT over `customers`, with the
repair history aggregated in a derived table (joined only when a visit or spend key asks for
it) and EXISTS for device categories and channels. The indexes of migration 0006 serve it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.repairs import RepairStatus
from domain.segments import SegmentFilter, SegmentMember, SegmentRepository
from store.tables import channel_identities, customers, repairs

_HISTORY_KEYS = (
    "min_visits",
    "max_visits",
    "min_spend_minor",
    "max_spend_minor",
    "last_visit_within_days",
    "no_visit_for_days",
)


def _history() -> Any:
    """Visits, spend and last visit per customer, over completed repairs."""
    done = repairs.c.status == RepairStatus.COMPLETED.value
    return (
        sa.select(
            repairs.c.customer_id.label("customer_id"),
            sa.func.count().label("visits"),
            sa.func.sum(sa.func.coalesce(repairs.c.paid_money_minor, repairs.c.amount_minor, 0)).label(
                "spend"
            ),
            sa.func.max(repairs.c.completed_at).label("last_visit"),
        )
        .where(done, repairs.c.customer_id.is_not(None), repairs.c.completed_at.is_not(None))
        .group_by(repairs.c.customer_id)
        .subquery("history")
    )


def audience(spec: SegmentFilter, now: datetime, *columns: Any) -> sa.Select[Any]:
    """SELECT `columns` FROM the members the filter reaches (marketing consent and a reachable channel)."""
    c = customers.c
    reachable = sa.exists().where(
        channel_identities.c.customer_id == c.id, channel_identities.c.unreachable_at.is_(None)
    )
    if spec.channels:
        reachable = reachable.where(channel_identities.c.channel.in_(sorted(spec.channels)))
    where: list[Any] = [
        c.deleted_at.is_(None),
        c.pd_consent_at.is_not(None),
        c.marketing_opt_in.is_(True),
        reachable,
    ]
    if spec.tiers:
        where.append(c.tier.in_(sorted(spec.tiers)))
    if spec.locales:
        where.append(c.locale.in_(sorted(spec.locales)))
    if spec.birthday_month is not None:
        where.append(sa.extract("month", c.birthday) == spec.birthday_month)
    if spec.registered_within_days is not None:
        where.append(c.registered_at >= now - timedelta(days=spec.registered_within_days))
    if spec.device_categories:
        where.append(
            sa.exists().where(
                repairs.c.customer_id == c.id,
                repairs.c.status == RepairStatus.COMPLETED.value,
                repairs.c.device_category.in_(sorted(spec.device_categories)),
            )
        )
    source: Any = customers
    if any(getattr(spec, key) is not None for key in _HISTORY_KEYS):
        history = _history()
        source = customers.outerjoin(history, history.c.customer_id == c.id)
        visits = sa.func.coalesce(history.c.visits, 0)
        spend = sa.func.coalesce(history.c.spend, 0)
        last = history.c.last_visit
        if spec.min_visits is not None:
            where.append(visits >= spec.min_visits)
        if spec.max_visits is not None:
            where.append(visits <= spec.max_visits)
        if spec.min_spend_minor is not None:
            where.append(spend >= spec.min_spend_minor)
        if spec.max_spend_minor is not None:
            where.append(spend <= spec.max_spend_minor)
        if spec.last_visit_within_days is not None:
            where.append(last >= now - timedelta(days=spec.last_visit_within_days))
        if spec.no_visit_for_days is not None:
            cutoff = now - timedelta(days=spec.no_visit_for_days)
            where.append(sa.or_(last.is_(None), last < cutoff))
    return sa.select(*columns).select_from(source).where(*where)


class SqlSegmentRepository(SegmentRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def count(self, spec: SegmentFilter, now: datetime) -> int:
        return int(await self._s.scalar(audience(spec, now, sa.func.count())) or 0)

    async def sample(self, spec: SegmentFilter, now: datetime, limit: int) -> list[SegmentMember]:
        c = customers.c
        stmt = audience(spec, now, c.id, c.phone, c.name, c.tier, c.locale).order_by(c.id).limit(limit)
        return [
            SegmentMember(id=r.id, phone=r.phone, name=r.name, tier=r.tier, locale=r.locale)
            for r in await self._s.execute(stmt)
        ]

    async def member_ids(
        self, spec: SegmentFilter, now: datetime, *, after_id: int = 0, limit: int = 1000
    ) -> list[int]:
        c = customers.c
        stmt = audience(spec, now, c.id).where(c.id > after_id).order_by(c.id).limit(limit)
        return list((await self._s.scalars(stmt)).all())

    async def member_ids_between(
        self, spec: SegmentFilter, now: datetime, *, after_id: int, up_to_id: int
    ) -> list[int]:
        c = customers.c
        stmt = audience(spec, now, c.id).where(c.id > after_id, c.id <= up_to_id).order_by(c.id)
        return list((await self._s.scalars(stmt)).all())

    async def last_customer_id(self) -> int:
        return int(await self._s.scalar(sa.select(sa.func.max(customers.c.id))) or 0)
