"""Member KPIs in SQL: counts at the period's bounds, repairs of members and of everyone else,
repeat visits, churn, and LTV month by month. A fixed number of statements, whatever the size."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.reports import KpiPeriod, LtvPoint, MemberFigures, TierCount, average_minor
from store.queries.kpi_sql import COMPLETED, bucket, completed_between, count_if, member_at, sum_if
from store.tables import customers, repairs


def month_ends(period: KpiPeriod, timezone: str) -> list[tuple[str, datetime]]:
    """(YYYY-MM, the instant the month ends or the period does, whichever is first) for every
    calendar month the period touches, in the shop's time zone."""
    zone = ZoneInfo(timezone)
    points: list[tuple[str, datetime]] = []
    month = period.first.replace(day=1)
    while month <= period.last:
        following = (month + timedelta(32)).replace(day=1)
        end = min(datetime.combine(following, datetime.min.time(), tzinfo=zone), period.end)
        points.append((month.strftime("%Y-%m"), end))
        month = following
    return points


async def member_figures(
    session: AsyncSession, period: KpiPeriod, churn_horizon_days: int, timezone: str
) -> MemberFigures:
    start, end = period.start, period.end
    c, r = customers.c, repairs.c
    horizon_start = end - timedelta(churn_horizon_days)
    visited = sa.exists().where(
        r.customer_id == c.id,
        r.status == COMPLETED,
        r.completed_at >= horizon_start,
        r.completed_at < end,
    )
    long_standing = sa.and_(member_at(end), c.pd_consent_at < horizon_start)
    counts = (
        await session.execute(
            sa.select(
                count_if(member_at(start)),
                count_if(sa.and_(c.pd_consent_at >= start, c.pd_consent_at < end)),
                count_if(long_standing),
                count_if(sa.and_(long_standing, ~visited)),
            )
        )
    ).one()

    # a repair is a member's when its customer had consented by the time it completed
    as_member = sa.and_(c.pd_consent_at.is_not(None), c.pd_consent_at <= r.completed_at)
    who = sa.func.coalesce(sa.cast(r.customer_id, sa.String), sa.literal("phone:", sa.String) + r.phone)
    period_repairs = repairs.outerjoin(customers, c.id == r.customer_id)
    seen = (
        await session.execute(
            sa.select(
                sa.func.count(sa.distinct(who)),
                sa.func.count(sa.distinct(sa.case((as_member, r.customer_id)))),
                count_if(as_member),
                sum_if(as_member, r.amount_minor),
                count_if(~as_member),
                sum_if(~as_member, r.amount_minor),
            )
            .select_from(period_repairs)
            .where(completed_between(start, end))
        )
    ).one()
    repeaters = (
        sa.select(r.customer_id)
        .select_from(repairs.join(customers, c.id == r.customer_id))
        .where(completed_between(start, end), as_member)
        .group_by(r.customer_id)
        .having(sa.func.count() >= 2)
        .subquery()
    )
    repeat = (await session.execute(sa.select(sa.func.count()).select_from(repeaters))).scalar_one()

    tiers = await session.execute(
        sa.select(c.tier, sa.func.count())
        .where(c.pd_consent_at.is_not(None), c.deleted_at.is_(None))
        .group_by(c.tier)
        .order_by(c.tier)
    )
    months = month_ends(period, timezone)
    members, revenue = await _at_month_ends(session, [end for _, end in months])
    trend = tuple(
        LtvPoint(month, members[i], average_minor(revenue[i], members[i]))
        for i, (month, _) in enumerate(months)
    )
    return MemberFigures(
        members=members[-1],
        members_at_start=int(counts[0]),
        new_members=int(counts[1]),
        customers_seen=int(seen[0]),
        members_seen=int(seen[1]),
        member_repairs=int(seen[2]),
        member_revenue_minor=int(seen[3]),
        non_member_repairs=int(seen[4]),
        non_member_revenue_minor=int(seen[5]),
        repeat_members=int(repeat),
        churn_base=int(counts[2]),
        churned=int(counts[3]),
        lifetime_revenue_minor=revenue[-1],
        ltv_trend=trend,
        tiers=tuple(TierCount(str(tier), int(n)) for tier, n in tiers),
    )


async def _at_month_ends(session: AsyncSession, ends: list[datetime]) -> tuple[list[int], list[int]]:
    """Members at each instant of `ends`, and their revenue since they joined up to it: two grouped
    queries over (joined, deleted) and (completed, deleted) buckets, summed here per instant."""
    c, r = customers.c, repairs.c
    # the buckets are CASEs with bound instants: grouped in an outer query over their labels, since
    # PostgreSQL does not see two bindings of one expression as the same GROUP BY key
    joined = (
        sa.select(
            bucket(c.pd_consent_at, ends).label("since"),
            bucket(c.deleted_at, ends).label("until"),
            sa.literal(1).label("amount"),
        )
        .where(c.pd_consent_at.is_not(None), c.pd_consent_at < ends[-1])
        .subquery()
    )
    spent = (
        sa.select(
            bucket(r.completed_at, ends).label("since"),
            bucket(c.deleted_at, ends).label("until"),
            r.amount_minor.label("amount"),
        )
        .select_from(repairs.join(customers, c.id == r.customer_id))
        .where(
            r.status == COMPLETED,
            r.amount_minor.is_not(None),
            c.pd_consent_at.is_not(None),
            r.completed_at >= c.pd_consent_at,
            r.completed_at < ends[-1],
        )
        .subquery()
    )
    members, revenue = [0] * len(ends), [0] * len(ends)
    for totals, rows in ((members, joined), (revenue, spent)):
        grouped = sa.select(rows.c.since, rows.c.until, sa.func.sum(rows.c.amount)).group_by(
            rows.c.since, rows.c.until
        )
        for since, until, amount in await session.execute(grouped):
            for i in range(int(since), min(int(until), len(ends))):
                totals[i] += int(amount or 0)
    return members, revenue
