"""The points ledger: append-only entries, earnings as lots, spending oldest-expiring first.

Every positive earning is a *lot* with its own expiry and a `remaining` count. Every
negative change (spend, expiry, reversal of an earning, negative adjustment) draws
from lots through allocations, so `lot.remaining == lot.points - sum(allocations)`
and the customer's balance equals both the sum of their entries and the sum of
their lots' remaining points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import InsufficientPoints

# The ceilings, the same on every database: no balance above MAX_BALANCE points (a manual credit
# past it is refused; points earned on a repair stop at it), and no single change above MAX_CHANGE.
MAX_BALANCE = 1_000_000_000
MAX_CHANGE = 100_000_000


class EntryKind(StrEnum):
    WELCOME = "welcome"
    EARN = "earn"
    BIRTHDAY = "birthday"
    REFERRAL = "referral"
    CAMPAIGN = "campaign"
    ADJUSTMENT = "adjustment"
    SPEND = "spend"
    EXPIRE = "expire"
    REVERSAL = "reversal"


# Kinds a customer may have reversed (corrections). Expiry and reversals themselves are final.
REVERSIBLE_KINDS = frozenset(
    {
        EntryKind.WELCOME,
        EntryKind.EARN,
        EntryKind.BIRTHDAY,
        EntryKind.REFERRAL,
        EntryKind.CAMPAIGN,
        EntryKind.ADJUSTMENT,
        EntryKind.SPEND,
    }
)


@dataclass
class LedgerEntry:
    customer_id: int
    kind: EntryKind
    points: int
    source_key: str
    created_at: datetime
    expires_at: datetime | None = None
    remaining: int | None = None
    reverses_id: int | None = None
    reason: str | None = None
    author: str | None = None
    order_id: str | None = None
    id: int | None = None

    @property
    def is_lot(self) -> bool:
        return self.remaining is not None


@dataclass(frozen=True)
class Allocation:
    """`points` taken from (positive) or given back to (negative) the lot `lot_id`."""

    lot_id: int
    points: int


@dataclass(frozen=True)
class LedgerResult:
    entry: LedgerEntry
    balance: int
    duplicate: bool = False
    allocations: tuple[Allocation, ...] = field(default=())


def lot_order(lot: LedgerEntry) -> tuple[int, datetime | int, int]:
    """Oldest-expiring first; lots without expiry last; ties by age."""
    if lot.expires_at is None:
        return (1, 0, lot.id or 0)
    return (0, lot.expires_at, lot.id or 0)


def allocate(lots: list[LedgerEntry], points: int) -> list[Allocation]:
    """Take `points` from open lots, oldest-expiring first. Refuses to go below zero."""
    if points <= 0:
        raise ValueError("allocate takes a positive number of points")
    available = sum(lot.remaining or 0 for lot in lots)
    if available < points:
        raise InsufficientPoints(points, available)
    allocations: list[Allocation] = []
    left = points
    for lot in sorted(lots, key=lot_order):
        if left == 0:
            break
        take = min(lot.remaining or 0, left)
        if take > 0:
            assert lot.id is not None
            allocations.append(Allocation(lot_id=lot.id, points=take))
            left -= take
    return allocations


def allocate_preferring(lots: list[LedgerEntry], points: int, preferred_id: int) -> list[Allocation]:
    """Like `allocate`, but the `preferred_id` lot is drawn first (reversal of an earning)."""
    preferred = [lot for lot in lots if lot.id == preferred_id]
    others = [lot for lot in lots if lot.id != preferred_id]
    allocations: list[Allocation] = []
    left = points
    for lot in preferred:
        take = min(lot.remaining or 0, left)
        if take > 0:
            allocations.append(Allocation(lot_id=preferred_id, points=take))
            left -= take
    if left > 0:
        allocations.extend(allocate(others, left))
    return allocations
