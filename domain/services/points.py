"""Ledger use cases. Every change carries a unique source key; a repeated key replays the first result."""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.customers import Customer
from domain.errors import (
    AlreadyReversed,
    BalanceLimitExceeded,
    CustomerDeleted,
    CustomerNotFound,
    EntryNotFound,
    IdempotencyKeyReused,
    InvalidAmount,
    NotReversible,
    SourceKeyConflict,
)
from domain.ledger import (
    MAX_BALANCE,
    MAX_CHANGE,
    REVERSIBLE_KINDS,
    Allocation,
    EntryKind,
    LedgerEntry,
    LedgerResult,
    allocate,
    allocate_preferring,
)
from domain.ports import UnitOfWork

EARNING_KINDS = frozenset(
    {
        EntryKind.WELCOME,
        EntryKind.EARN,
        EntryKind.BIRTHDAY,
        EntryKind.REFERRAL,
        EntryKind.CAMPAIGN,
        EntryKind.ADJUSTMENT,
    }
)


async def lock_customer(uow: UnitOfWork, customer_id: int) -> Customer:
    customer = await uow.customers.lock(customer_id)
    if customer is None:
        raise CustomerNotFound(f"customer {customer_id} not found")
    if customer.is_deleted:
        raise CustomerDeleted(f"customer {customer_id} was deleted")
    return customer


def _within_one_change(points: int) -> None:
    if points > MAX_CHANGE:
        raise InvalidAmount(f"at most {MAX_CHANGE} points in one change")


async def headroom(uow: UnitOfWork, customer_id: int) -> int:
    """How many points the balance can still take before the ceiling."""
    return max(0, MAX_BALANCE - await uow.ledger.balance_of(customer_id))


async def _replay(uow: UnitOfWork, source_key: str, customer_id: int) -> LedgerResult | None:
    existing = await uow.ledger.by_source_key(source_key)
    if existing is None:
        return None
    if existing.customer_id != customer_id:
        raise SourceKeyConflict(f"source key {source_key!r} belongs to another customer")
    assert existing.id is not None
    return LedgerResult(
        entry=existing,
        balance=await uow.ledger.balance_of(customer_id),
        duplicate=True,
        allocations=tuple(await uow.ledger.allocations_of(existing.id)),
    )


async def earn_points(
    uow: UnitOfWork,
    *,
    customer_id: int,
    points: int,
    kind: EntryKind,
    source_key: str,
    now: datetime,
    expires_in_days: int | None,
    reason: str | None = None,
    author: str | None = None,
    order_id: str | None = None,
) -> LedgerResult:
    """Credit a lot of `points` that expires after its own term."""
    if points <= 0:
        raise InvalidAmount("points to earn must be positive")
    if kind not in EARNING_KINDS:
        raise InvalidAmount(f"{kind} is not an earning")
    _within_one_change(points)
    customer = await lock_customer(uow, customer_id)
    replay = await _replay(uow, source_key, customer_id)
    if replay is not None:
        return replay
    if customer.points_balance + points > MAX_BALANCE:
        raise BalanceLimitExceeded(
            f"{points} more points would take the balance of {customer.points_balance} past "
            f"the ceiling of {MAX_BALANCE}"
        )
    entry = await uow.ledger.add(
        LedgerEntry(
            customer_id=customer_id,
            kind=kind,
            points=points,
            source_key=source_key,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None,
            remaining=points,
            reason=reason,
            author=author,
            order_id=order_id,
        ),
        [],
    )
    return LedgerResult(entry=entry, balance=await uow.ledger.balance_of(customer_id))


async def spend_points(
    uow: UnitOfWork,
    *,
    customer_id: int,
    points: int,
    source_key: str,
    now: datetime,
    kind: EntryKind = EntryKind.SPEND,
    reason: str | None = None,
    author: str | None = None,
    order_id: str | None = None,
) -> LedgerResult:
    """Debit `points`, oldest-expiring lots first. Raises InsufficientPoints, never overdraws."""
    if points <= 0:
        raise InvalidAmount("points to spend must be positive")
    _within_one_change(points)
    await lock_customer(uow, customer_id)
    replay = await _replay(uow, source_key, customer_id)
    if replay is not None:
        return replay
    allocations = allocate(await uow.ledger.open_lots(customer_id), points)
    entry = await uow.ledger.add(
        LedgerEntry(
            customer_id=customer_id,
            kind=kind,
            points=-points,
            source_key=source_key,
            created_at=now,
            reason=reason,
            author=author,
            order_id=order_id,
        ),
        allocations,
    )
    return LedgerResult(
        entry=entry, balance=await uow.ledger.balance_of(customer_id), allocations=tuple(allocations)
    )


async def adjust_points(
    uow: UnitOfWork,
    *,
    customer_id: int,
    points: int,
    reason: str,
    author: str,
    source_key: str,
    now: datetime,
    expires_in_days: int | None,
) -> LedgerResult:
    """A manual correction by staff: a credit becomes a lot, a debit draws from lots."""
    if not reason.strip():
        raise InvalidAmount("an adjustment needs a reason")
    earlier = await uow.ledger.by_source_key(source_key)
    # (another customer's key is the ledger's SourceKeyConflict, below)
    if (
        earlier is not None
        and earlier.customer_id == customer_id
        and (earlier.points, earlier.reason)
        != (
            points,
            reason,
        )
    ):
        raise IdempotencyKeyReused(
            f"this key was used for {earlier.points:+d} points ({earlier.reason!r}); a retry must "
            "repeat the same call, and a new adjustment needs a new key"
        )
    if points > 0:
        return await earn_points(
            uow,
            customer_id=customer_id,
            points=points,
            kind=EntryKind.ADJUSTMENT,
            source_key=source_key,
            now=now,
            expires_in_days=expires_in_days,
            reason=reason,
            author=author,
        )
    if points < 0:
        return await spend_points(
            uow,
            customer_id=customer_id,
            points=-points,
            kind=EntryKind.ADJUSTMENT,
            source_key=source_key,
            now=now,
            reason=reason,
            author=author,
        )
    raise InvalidAmount("an adjustment of zero points changes nothing")


async def reverse_entry(
    uow: UnitOfWork,
    *,
    entry_id: int,
    source_key: str,
    now: datetime,
    reason: str | None = None,
    author: str | None = None,
) -> LedgerResult:
    """Undo an entry once, by a new entry that links to it.

    A spend is given back to the lots it came from. An earning is taken back from its own
    lot first, then from the oldest-expiring others; what the customer already spent
    elsewhere is not clawed below zero, so the reversal takes at most the balance.
    """
    original = await uow.ledger.get(entry_id)
    if original is None:
        raise EntryNotFound(f"ledger entry {entry_id} not found")
    await lock_customer(uow, original.customer_id)
    replay = await _replay(uow, source_key, original.customer_id)
    if replay is not None:
        return replay
    if original.kind not in REVERSIBLE_KINDS:
        raise NotReversible(f"{original.kind} entries cannot be reversed")
    if await uow.ledger.reversal_of(entry_id) is not None:
        raise AlreadyReversed(f"ledger entry {entry_id} was already reversed")

    allocations: list[Allocation]
    if original.points > 0:
        lots = await uow.ledger.open_lots(original.customer_id)
        take = min(original.points, sum(lot.remaining or 0 for lot in lots))
        allocations = allocate_preferring(lots, take, entry_id) if take else []
        delta = -take
    else:
        assert original.id is not None
        allocations = [Allocation(a.lot_id, -a.points) for a in await uow.ledger.allocations_of(original.id)]
        delta = -original.points
    entry = await uow.ledger.add(
        LedgerEntry(
            customer_id=original.customer_id,
            kind=EntryKind.REVERSAL,
            points=delta,
            source_key=source_key,
            created_at=now,
            reverses_id=entry_id,
            reason=reason,
            author=author,
            order_id=original.order_id,
        ),
        allocations,
    )
    return LedgerResult(
        entry=entry, balance=await uow.ledger.balance_of(original.customer_id), allocations=tuple(allocations)
    )


async def expire_lot(uow: UnitOfWork, *, lot_id: int, now: datetime) -> LedgerResult | None:
    """Expire what is left of one lot whose term has passed. Safe to repeat on the same day.

    The source key names the day: points given back to an expired lot later (the reversal of
    a spend) expire on the next run instead of colliding with the lot's first expiry.
    """
    lot = await uow.ledger.get(lot_id)
    if lot is None or not lot.is_lot:
        raise EntryNotFound(f"lot {lot_id} not found")
    customer = await uow.customers.lock(lot.customer_id)
    if customer is None:
        return None
    lot = await uow.ledger.get(lot_id)  # re-read under the customer's lock
    assert lot is not None and lot.remaining is not None
    source_key = f"expire:{lot_id}:{now.date().isoformat()}"
    replay = await _replay(uow, source_key, lot.customer_id)
    if replay is not None:
        return replay
    if lot.remaining == 0 or lot.expires_at is None or lot.expires_at > now:
        return None
    entry = await uow.ledger.add(
        LedgerEntry(
            customer_id=lot.customer_id,
            kind=EntryKind.EXPIRE,
            points=-lot.remaining,
            source_key=source_key,
            created_at=now,
        ),
        [Allocation(lot_id, lot.remaining)],
    )
    return LedgerResult(entry=entry, balance=await uow.ledger.balance_of(lot.customer_id))
