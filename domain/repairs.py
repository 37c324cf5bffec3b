"""Repairs as the repair system reports them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
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

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES
