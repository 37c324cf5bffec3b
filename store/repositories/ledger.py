from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import AlreadyReversed, InsufficientPoints, SourceKeyConflict
from domain.ledger import Allocation, EntryKind, LedgerEntry
from domain.ports import LedgerRepository
from store.repositories import field_names, from_row
from store.tables import customers, ledger_allocations, ledger_entries

_FIELDS = field_names(LedgerEntry, "id", "kind")


def _entry(row: Any) -> LedgerEntry:
    return from_row(LedgerEntry, row, kind=EntryKind)


class SqlLedgerRepository(LedgerRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def _one(self, stmt: sa.Select[Any]) -> LedgerEntry | None:
        row = (await self._s.execute(stmt)).first()
        return _entry(row) if row else None

    async def by_source_key(self, source_key: str) -> LedgerEntry | None:
        return await self._one(sa.select(ledger_entries).where(ledger_entries.c.source_key == source_key))

    async def get(self, entry_id: int) -> LedgerEntry | None:
        return await self._one(sa.select(ledger_entries).where(ledger_entries.c.id == entry_id))

    async def reversal_of(self, entry_id: int) -> LedgerEntry | None:
        return await self._one(sa.select(ledger_entries).where(ledger_entries.c.reverses_id == entry_id))

    async def open_lots(self, customer_id: int) -> list[LedgerEntry]:
        rows = await self._s.execute(
            sa.select(ledger_entries).where(
                ledger_entries.c.customer_id == customer_id, ledger_entries.c.remaining > 0
            )
        )
        return [_entry(r) for r in rows]

    async def add(self, entry: LedgerEntry, allocations: list[Allocation]) -> LedgerEntry:
        moved = await self._s.execute(
            sa.update(customers)
            .where(customers.c.id == entry.customer_id, customers.c.points_balance + entry.points >= 0)
            .values(points_balance=customers.c.points_balance + entry.points)
        )
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise InsufficientPoints(-entry.points, await self.balance_of(entry.customer_id))
        values = {f: getattr(entry, f) for f in _FIELDS}
        try:
            result = await self._s.execute(
                sa.insert(ledger_entries)
                .values(kind=entry.kind.value, **values)
                .returning(ledger_entries.c.id)
            )
        except IntegrityError as exc:
            text = str(exc.orig)
            if "reverses_id" in text:
                raise AlreadyReversed(f"entry {entry.reverses_id} was already reversed") from exc
            if "source_key" in text:
                raise SourceKeyConflict(f"source key {entry.source_key!r} was already used") from exc
            raise
        entry.id = result.scalar_one()
        for allocation in allocations:
            taken = await self._s.execute(
                sa.update(ledger_entries)
                .where(
                    ledger_entries.c.id == allocation.lot_id,
                    ledger_entries.c.customer_id == entry.customer_id,
                    ledger_entries.c.remaining - allocation.points >= 0,
                    ledger_entries.c.remaining - allocation.points <= ledger_entries.c.points,
                )
                .values(remaining=ledger_entries.c.remaining - allocation.points)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                raise InsufficientPoints(allocation.points, 0)
        if allocations:
            await self._s.execute(
                sa.insert(ledger_allocations),
                [{"entry_id": entry.id, "lot_id": a.lot_id, "points": a.points} for a in allocations],
            )
        return entry

    async def allocations_of(self, entry_id: int) -> list[Allocation]:
        rows = await self._s.execute(
            sa.select(ledger_allocations.c.lot_id, ledger_allocations.c.points)
            .where(ledger_allocations.c.entry_id == entry_id)
            .order_by(ledger_allocations.c.id)
        )
        return [Allocation(lot_id=r.lot_id, points=r.points) for r in rows]

    async def history(
        self, customer_id: int, limit: int = 20, before_id: int | None = None
    ) -> list[LedgerEntry]:
        stmt = sa.select(ledger_entries).where(ledger_entries.c.customer_id == customer_id)
        if before_id is not None:
            stmt = stmt.where(ledger_entries.c.id < before_id)
        rows = await self._s.execute(stmt.order_by(ledger_entries.c.id.desc()).limit(limit))
        return [_entry(r) for r in rows]

    async def balance_of(self, customer_id: int) -> int:
        value = await self._s.scalar(
            sa.select(customers.c.points_balance).where(customers.c.id == customer_id)
        )
        return int(value or 0)

    async def sum_of_entries(self, customer_id: int) -> int:
        value = await self._s.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(ledger_entries.c.points), 0)).where(
                ledger_entries.c.customer_id == customer_id
            )
        )
        return int(value or 0)

    async def forget_reasons(self, customer_id: int) -> None:
        await self._s.execute(
            sa.update(ledger_entries).where(ledger_entries.c.customer_id == customer_id).values(reason=None)
        )

    async def due_lots(self, now: datetime, limit: int) -> list[LedgerEntry]:
        rows = await self._s.execute(
            sa.select(ledger_entries)
            .where(ledger_entries.c.remaining > 0, ledger_entries.c.expires_at <= now)
            .order_by(ledger_entries.c.expires_at, ledger_entries.c.id)
            .limit(limit)
        )
        return [_entry(r) for r in rows]

    async def lots_expiring_between(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        rows = await self._s.execute(
            sa.select(ledger_entries)
            .where(
                ledger_entries.c.remaining > 0,
                ledger_entries.c.expires_at > start,
                ledger_entries.c.expires_at <= end,
            )
            .order_by(ledger_entries.c.customer_id, ledger_entries.c.expires_at)
        )
        return [_entry(r) for r in rows]
