"""Points and cost KPIs in SQL: the ledger's credits, spends and expiries in the period (a
reversal counted under the kind of the entry it reverses, so it nets out there), what is still
outstanding at the end, and what the sent messages cost."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ledger import EntryKind
from domain.outbox import OutboxStatus
from domain.reports import CostFigures, KpiPeriod, PointFigures, PointsMonth
from store.queries.kpi_sql import bucket
from store.tables import ledger_allocations, ledger_entries, outbox

CREDIT_KINDS = frozenset(
    {
        EntryKind.WELCOME,
        EntryKind.EARN,
        EntryKind.BIRTHDAY,
        EntryKind.REFERRAL,
        EntryKind.CAMPAIGN,
        EntryKind.ADJUSTMENT,  # signed: a negative adjustment takes back what was issued
    }
)
BONUS_KINDS = frozenset({EntryKind.WELCOME, EntryKind.BIRTHDAY, EntryKind.REFERRAL, EntryKind.CAMPAIGN})


async def point_figures(
    session: AsyncSession, period: KpiPeriod, months: list[tuple[str, datetime]]
) -> PointFigures:
    """`months`: (YYYY-MM, its end) of the period (kpi_members.month_ends), for the monthly figures."""
    e = ledger_entries.alias("e")
    original = ledger_entries.alias("original")
    kind = sa.func.coalesce(original.c.kind, e.c.kind)
    in_period = sa.and_(e.c.created_at >= period.start, e.c.created_at < period.end)
    is_credit = sa.and_(e.c.kind != EntryKind.REVERSAL.value, e.c.points > 0)
    by_kind = (
        sa.select(
            kind.label("kind"),
            bucket(e.c.created_at, [end for _, end in months]).label("month"),
            e.c.points.label("points"),
            sa.case((is_credit, 1), else_=0).label("n"),
        )
        .select_from(e.outerjoin(original, original.c.id == e.c.reverses_id))
        .where(in_period)
        .subquery()
    )
    rows = await session.execute(
        sa.select(
            by_kind.c.kind, by_kind.c.month, sa.func.sum(by_kind.c.points), sa.func.sum(by_kind.c.n)
        ).group_by(by_kind.c.kind, by_kind.c.month)
    )
    monthly = [Counter[str]() for _ in months]
    credits = 0
    for name, month, points, count in rows:
        monthly[min(int(month), len(months) - 1)][name] += int(points or 0)
        if name in CREDIT_KINDS:
            credits += int(count or 0)
    net: Counter[str] = Counter()
    for month_net in monthly:
        net.update(month_net)  # update, not +: a Counter sum drops the negative totals

    outstanding = (
        await session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(ledger_entries.c.points), 0)).where(
                ledger_entries.c.created_at < period.end
            )
        )
    ).scalar_one()

    lot = ledger_entries.alias("lot")
    bonuses = (
        await session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(ledger_allocations.c.points), 0))
            .select_from(
                ledger_allocations.join(e, e.c.id == ledger_allocations.c.entry_id)
                .outerjoin(original, original.c.id == e.c.reverses_id)
                .join(lot, lot.c.id == ledger_allocations.c.lot_id)
            )
            .where(
                in_period,
                kind == EntryKind.SPEND.value,
                lot.c.kind.in_([k.value for k in BONUS_KINDS]),
            )
        )
    ).scalar_one()
    return PointFigures(
        issued=_issued(net),
        redeemed=-net[EntryKind.SPEND.value],
        expired=-net[EntryKind.EXPIRE.value],
        credits=credits,
        outstanding=int(outstanding),
        bonuses_spent=int(bonuses),
        by_month=tuple(
            PointsMonth(month, _issued(n), -n[EntryKind.SPEND.value], -n[EntryKind.EXPIRE.value])
            for (month, _), n in zip(months, monthly, strict=True)
        ),
    )


def _issued(net: Counter[str]) -> int:
    return sum(net[k.value] for k in CREDIT_KINDS)


async def cost_figures(session: AsyncSession, period: KpiPeriod, prices: dict[str, int]) -> CostFigures:
    o = outbox.c
    rows = await session.execute(
        sa.select(o.channel, sa.func.count())
        .where(
            o.status == OutboxStatus.SENT.value,
            o.sent_at >= period.start,
            o.sent_at < period.end,
            o.channel.is_not(None),
        )
        .group_by(o.channel)
    )
    counts = {str(channel): int(n) for channel, n in rows}
    return CostFigures(
        messages_by_channel=dict(sorted(counts.items())),
        messaging_minor=sum(n * prices.get(channel, 0) for channel, n in counts.items()),
    )
