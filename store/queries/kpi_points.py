"""Points and cost KPIs in SQL: the ledger's credits, spends and expiries in the period (a
reversal counted under the kind of the entry it reverses, so it nets out there), what is still
outstanding at the end, and what the sent messages cost."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ledger import EntryKind
from domain.outbox import OutboxStatus
from domain.reports import CostFigures, KpiPeriod, PointFigures
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


async def point_figures(session: AsyncSession, period: KpiPeriod) -> PointFigures:
    e = ledger_entries.alias("e")
    original = ledger_entries.alias("original")
    kind = sa.func.coalesce(original.c.kind, e.c.kind)
    in_period = sa.and_(e.c.created_at >= period.start, e.c.created_at < period.end)
    is_credit = sa.and_(e.c.kind != EntryKind.REVERSAL.value, e.c.points > 0)
    by_kind = (
        sa.select(kind.label("kind"), e.c.points.label("points"), sa.case((is_credit, 1), else_=0).label("n"))
        .select_from(e.outerjoin(original, original.c.id == e.c.reverses_id))
        .where(in_period)
        .subquery()
    )
    rows = await session.execute(
        sa.select(by_kind.c.kind, sa.func.sum(by_kind.c.points), sa.func.sum(by_kind.c.n)).group_by(
            by_kind.c.kind
        )
    )
    net: dict[str, int] = {}
    credits = 0
    for name, points, count in rows:
        net[name] = int(points or 0)
        if name in CREDIT_KINDS:
            credits += int(count or 0)

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
        issued=sum(net.get(k.value, 0) for k in CREDIT_KINDS),
        redeemed=-net.get(EntryKind.SPEND.value, 0),
        expired=-net.get(EntryKind.EXPIRE.value, 0),
        credits=credits,
        outstanding=int(outstanding),
        bonuses_spent=int(bonuses),
    )


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
