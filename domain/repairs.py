"""Repairs as the repair system reports them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum


class RepairStatus(StrEnum):
    RECEIVED = "received"
    DIAGNOSTICS = "diagnostics"
    WAITING_APPROVAL = "waiting_approval"
    WAITING_PARTS = "waiting_parts"
    IN_REPAIR = "in_repair"
    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


FINAL_STATUSES = frozenset({RepairStatus.COMPLETED, RepairStatus.CANCELLED})

MINOR_PER_UNIT = 100


class RepairEventType(StrEnum):
    STATUS_CHANGED = "repair.status_changed"
    COMPLETED = "repair.completed"
    CANCELLED = "repair.cancelled"


class DeviceCategory(StrEnum):
    PHONE = "phone"
    TABLET = "tablet"
    LAPTOP = "laptop"
    DESKTOP = "desktop"
    WATCH = "watch"
    CONSOLE = "console"
    AUDIO = "audio"
    OTHER = "other"


@dataclass(frozen=True)
class RepairItem:
    name: str
    kind: str
    price_minor: int


@dataclass
class Repair:
    order_id: str
    phone: str
    status: RepairStatus
    device_category: DeviceCategory
    created_at: datetime
    updated_at: datetime
    customer_id: int | None = None
    customer_name: str | None = None
    device_brand: str | None = None
    device_model: str | None = None
    device_serial: str | None = None
    amount_minor: int | None = None
    paid_money_minor: int | None = None
    points_used: int = 0
    items: tuple[RepairItem, ...] = field(default=())
    eta: date | None = None
    status_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    id: int | None = None
    # The price and work the repair system asks the customer to approve (its latest
    # waiting_approval event's quote); kept after the wait, as what was asked.
    quote_amount_minor: int | None = None
    quote_text: str | None = None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class RecordRepairEvent:
    """One signed event of the repair system, already validated at the edge.

    `items` is None when the event did not carry them (the stored ones are kept).
    """

    event_id: str
    type: RepairEventType
    order_id: str
    phone: str
    status: RepairStatus
    device_category: DeviceCategory
    occurred_at: datetime
    customer_name: str | None = None
    device_brand: str | None = None
    device_model: str | None = None
    device_serial: str | None = None
    amount_minor: int | None = None
    items: tuple[RepairItem, ...] | None = None
    eta: date | None = None
    quote_amount_minor: int | None = None  # only on a waiting_approval event (the edge checks)
    quote_text: str | None = None


def quote_fingerprint(amount_minor: int, text: str | None) -> str:
    """A short name for one quote of an order: a revised quote is a new one, a repeated one is not."""
    return hashlib.sha256(f"{amount_minor}\x00{text or ''}".encode()).hexdigest()[:16]


def money_paid(
    amount_minor: int, items: tuple[RepairItem, ...], points_money_minor: int, excluded_kinds: frozenset[str]
) -> int:
    """What the customer paid in money for what earns: the bill minus points and excluded item kinds."""
    excluded = sum(item.price_minor for item in items if item.kind in excluded_kinds)
    return max(0, amount_minor - points_money_minor - excluded)


def points_for(paid_minor: int, earn_rate_percent: Decimal) -> int:
    """floor(money paid x rate); money in whole currency units, 1 point per unit."""
    earned = Decimal(paid_minor) * earn_rate_percent / (100 * MINOR_PER_UNIT)
    return int(earned.to_integral_value(rounding=ROUND_FLOOR))
