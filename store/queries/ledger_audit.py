"""The reconciliation as one grouped query over the ledger, on both databases."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.reconciliation import LedgerAudit, LedgerMismatch, ReconciliationReport
from store.tables import customers, ledger_entries


def _balances() -> Any:
    totals = (
        sa.select(
            ledger_entries.c.customer_id.label("customer_id"),
            sa.func.sum(ledger_entries.c.points).label("entries"),
            sa.func.sum(sa.func.coalesce(ledger_entries.c.remaining, 0)).label("lots"),
        )
        .group_by(ledger_entries.c.customer_id)
        .subquery("totals")
    )
    entries = sa.func.coalesce(totals.c.entries, 0)
    lots = sa.func.coalesce(totals.c.lots, 0)
    return (
        sa.select(
            customers.c.id.label("customer_id"),
            customers.c.points_balance.label("balance"),
            entries.label("entries"),
            lots.label("lots"),
        )
        .select_from(customers.outerjoin(totals, totals.c.customer_id == customers.c.id))
        .subquery("balances")
    )


class SqlLedgerAudit(LedgerAudit):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def reconcile(self, limit: int) -> ReconciliationReport:
        b = _balances()
        wrong = sa.or_(b.c.balance != b.c.entries, b.c.balance != b.c.lots)
        mismatched = sa.func.sum(sa.case((wrong, 1), else_=0))
        totals = (await self._s.execute(sa.select(sa.func.count(), mismatched).select_from(b))).one()
        rows = await self._s.execute(sa.select(b).where(wrong).order_by(b.c.customer_id).limit(limit))
        return ReconciliationReport(
            customers=int(totals[0] or 0),
            mismatches=int(totals[1] or 0),
            sample=tuple(
                LedgerMismatch(
                    customer_id=r.customer_id,
                    balance=int(r.balance),
                    sum_of_entries=int(r.entries),
                    sum_of_lots=int(r.lots),
                )
                for r in rows
            ),
        )
