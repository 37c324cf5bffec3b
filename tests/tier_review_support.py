"""Members set up for the monthly tier review, through the ports (fakes and the store alike)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from domain.ports import UnitOfWork
from domain.repairs import DeviceCategory, Repair, RepairStatus
from domain.rules import ProgramRules
from tests.builders import registered

RUB = 100
LONG_AGO = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)


async def member_with_spend(
    uow_factory: Callable[[], UnitOfWork],
    rules: ProgramRules,
    phone: str,
    *,
    tier: str,
    changed_at: datetime | None,
    repairs: list[tuple[datetime, int]],
    locale: str = "ru",
) -> int:
    """A member on `tier` since `changed_at`, with completed repairs (completed at, money paid)."""
    cid = (await registered(uow_factory(), rules, LONG_AGO, phone, locale=locale)).customer.id
    assert cid is not None
    async with uow_factory() as uow:
        customer = await uow.customers.lock(cid)
        assert customer is not None
        customer.tier, customer.tier_changed_at = tier, changed_at
        await uow.customers.update(customer)
        for n, (completed_at, paid_minor) in enumerate(repairs):
            await uow.repairs.add(
                Repair(
                    order_id=f"R-{phone[-4:]}-{n}",
                    phone=phone,
                    status=RepairStatus.COMPLETED,
                    device_category=DeviceCategory.PHONE,
                    created_at=completed_at,
                    updated_at=completed_at,
                    customer_id=cid,
                    amount_minor=paid_minor,
                    paid_money_minor=paid_minor,
                    completed_at=completed_at,
                )
            )
        await uow.commit()
    return cid
