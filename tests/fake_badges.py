"""The badge repository's fake, on the fakes' shared store (tests/fakes.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.badges import AwardedBadge, BadgeRepository
from domain.repairs import RepairStatus


class FakeBadges(BadgeRepository):
    def __init__(self, store: Any) -> None:
        self.s = store

    async def award(self, customer_id: int, badge_key: str, at: datetime) -> bool:
        if (customer_id, badge_key) in self.s.badges:
            return False
        self.s.badges[(customer_id, badge_key)] = at
        return True

    async def of_customer(self, customer_id: int) -> list[AwardedBadge]:
        return [AwardedBadge(key, at) for (cid, key), at in self.s.badges.items() if cid == customer_id]

    async def completed_repairs(self, customer_id: int) -> int:
        return sum(
            1
            for r in self.s.repairs.values()
            if r.customer_id == customer_id and r.status is RepairStatus.COMPLETED
        )

    async def members_without(
        self, badge_key: str, registered_before: datetime, *, after_id: int, limit: int
    ) -> list[int]:
        ids = sorted(
            cid
            for cid, c in self.s.customers.items()
            if cid > after_id
            and not c.is_deleted
            and c.pd_consent_at is not None
            and c.registered_at <= registered_before
            and (cid, badge_key) not in self.s.badges
        )
        return ids[:limit]
