from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports import RepairRepository
from domain.repairs import DeviceCategory, Repair, RepairItem, RepairStatus
from domain.tiers import MemberSpend
from store.repositories import field_names, from_row
from store.tables import customers, repair_status_history, repairs

_FIELDS = field_names(Repair, "id", "status", "device_category", "items")


def _repair(row: Any) -> Repair:
    return from_row(Repair, row, status=RepairStatus, device_category=DeviceCategory, items=_items)


def _items(stored: list[dict[str, Any]]) -> tuple[RepairItem, ...]:
    return tuple(RepairItem(i["name"], i["kind"], int(i["price_minor"])) for i in stored)


def _values(repair: Repair) -> dict[str, Any]:
    return {
        "status": repair.status.value,
        "device_category": repair.device_category.value,
        "items": [{"name": i.name, "kind": i.kind, "price_minor": i.price_minor} for i in repair.items],
        **{f: getattr(repair, f) for f in _FIELDS},
    }


class SqlRepairRepository(RepairRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def by_order(self, order_id: str, *, lock: bool = False) -> Repair | None:
        stmt = sa.select(repairs).where(repairs.c.order_id == order_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self._s.execute(stmt)).first()
        return _repair(row) if row else None

    async def add(self, repair: Repair) -> Repair:
        result = await self._s.execute(sa.insert(repairs).values(**_values(repair)).returning(repairs.c.id))
        repair.id = result.scalar_one()
        return repair

    async def update(self, repair: Repair) -> None:
        await self._s.execute(sa.update(repairs).where(repairs.c.id == repair.id).values(**_values(repair)))

    async def add_status(
        self, repair_id: int, status: RepairStatus, occurred_at: datetime, event_id: str | None
    ) -> None:
        await self._s.execute(
            sa.insert(repair_status_history).values(
                repair_id=repair_id, status=status.value, occurred_at=occurred_at, event_id=event_id
            )
        )

    async def of_customer(self, customer_id: int, limit: int = 20) -> list[Repair]:
        rows = await self._s.execute(
            sa.select(repairs)
            .where(repairs.c.customer_id == customer_id)
            .order_by(repairs.c.created_at.desc(), repairs.c.id.desc())
            .limit(limit)
        )
        return [_repair(r) for r in rows]

    async def link_phone(self, phone: str, customer_id: int, since: datetime) -> list[Repair]:
        rows = await self._s.execute(
            sa.update(repairs)
            .where(
                repairs.c.phone == phone,
                repairs.c.customer_id.is_(None),
                repairs.c.updated_at >= since,
            )
            .values(customer_id=customer_id)
            .returning(*repairs.c)
        )
        return [_repair(r) for r in rows]

    async def spent_since(self, customer_id: int, since: datetime) -> int:
        value = await self._s.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(repairs.c.paid_money_minor), 0)).where(
                repairs.c.customer_id == customer_id,
                repairs.c.status == RepairStatus.COMPLETED.value,
                repairs.c.completed_at >= since,
            )
        )
        return int(value or 0)

    async def spend_of_members_above(
        self, base_tier: str, since: datetime, *, after_id: int, limit: int
    ) -> list[MemberSpend]:
        c, r = customers.c, repairs.c
        counted = sa.and_(
            r.customer_id == c.id, r.status == RepairStatus.COMPLETED.value, r.completed_at >= since
        )
        stmt = (
            sa.select(c.id, c.tier, sa.func.coalesce(sa.func.sum(r.paid_money_minor), 0))
            .select_from(customers.outerjoin(repairs, counted))
            .where(c.deleted_at.is_(None), c.pd_consent_at.is_not(None), c.tier != base_tier)
            .where(c.id > after_id)
            .group_by(c.id, c.tier)
            .order_by(c.id)
            .limit(limit)
        )
        rows = await self._s.execute(stmt)
        return [MemberSpend(int(cid), tier, int(spent)) for cid, tier, spent in rows]

    async def forget_customer(self, customer_id: int) -> int:
        result = await self._s.execute(
            sa.update(repairs)
            .where(repairs.c.customer_id == customer_id)
            .values(phone="", customer_name=None, device_serial=None, items=[])
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
