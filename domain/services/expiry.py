"""Points expiry: warn ahead, once per lot, then expire what is left of each lot on its own date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.events import PointsExpiringSoon
from domain.jobs import shop_day
from domain.ledger import LedgerEntry
from domain.ports import UnitOfWork
from domain.services.points import expire_lot


@dataclass(frozen=True)
class Expired:
    lot_id: int
    points: int


def warning_key(lot_id: int) -> str:
    return f"expiry_warning:{lot_id}"


async def warn_of_expiry(uow: UnitOfWork, *, lot: LedgerEntry, timezone: str, now: datetime) -> bool:
    """Queue the warning for one lot, naming what is left of it and its date. Once per lot, ever.

    The claim on the lot's key is what makes it once: a second run, another replica, or a lot
    that comes back into the window after a spend is reversed never warns again. The message
    itself is the reactions' business (PointsExpiringSoon).
    """
    assert lot.id is not None and lot.expires_at is not None
    customer = await uow.customers.get(lot.customer_id)
    if customer is None or customer.is_deleted:
        return False
    current = await uow.ledger.get(lot.id)
    if current is None or not current.remaining:
        return False
    if not await uow.events.claim(warning_key(lot.id), "points_expiry", now):
        return False
    await uow.record(
        PointsExpiringSoon(
            at=now,
            customer_id=lot.customer_id,
            lot_id=lot.id,
            points=current.remaining,
            balance=await uow.ledger.balance_of(lot.customer_id),
            expires_on=shop_day(lot.expires_at, timezone),
        )
    )
    return True


async def expire_due_lot(uow: UnitOfWork, *, lot_id: int, as_of: datetime) -> Expired | None:
    """Expire what is left of a lot whose term ended by `as_of`; None when nothing was due."""
    result = await expire_lot(uow, lot_id=lot_id, now=as_of)
    if result is None or result.duplicate:
        return None
    return Expired(lot_id=lot_id, points=-result.entry.points)
