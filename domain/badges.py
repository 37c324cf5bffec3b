"""Badges: declared in the rules file, each earned once, by the event that brings its condition true.

A badge's condition is one fact of the member's history reaching a number (completed repairs,
friends registered through their link, days in the program) or a tier reached. Which badges a
member holds is decided from those facts alone, so an existing member who already meets a
condition gets the badge on the next event that looks at it (retroactive, once).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class BadgeCondition(StrEnum):
    REPAIRS = "repairs"  # completed repairs, at least `value`
    FRIENDS_INVITED = "friends_invited"  # customers registered with the member's link, at least `value`
    DAYS_IN_PROGRAM = "days_in_program"  # days since registration, at least `value`
    TIER = "tier"  # the tier `tier_key` or a higher one


@dataclass(frozen=True)
class Badge:
    key: str
    names: dict[str, str]
    condition: BadgeCondition
    value: int = 0
    tier_key: str | None = None

    def name(self, locale: str) -> str:
        return self.names.get(locale) or next(iter(self.names.values()), self.key)


@dataclass(frozen=True)
class AwardedBadge:
    key: str
    awarded_at: datetime


@dataclass(frozen=True)
class BadgeFacts:
    """What the conditions read; `tier_rank` is the member's tier's place in the rules (0: base)."""

    completed_repairs: int
    friends_invited: int
    days_in_program: int
    tier_rank: int


def is_earned(badge: Badge, facts: BadgeFacts, tier_ranks: dict[str, int]) -> bool:
    if badge.condition is BadgeCondition.REPAIRS:
        return facts.completed_repairs >= badge.value
    if badge.condition is BadgeCondition.FRIENDS_INVITED:
        return facts.friends_invited >= badge.value
    if badge.condition is BadgeCondition.DAYS_IN_PROGRAM:
        return facts.days_in_program >= badge.value
    return badge.tier_key is not None and facts.tier_rank >= tier_ranks.get(badge.tier_key, len(tier_ranks))


def badge_message_key(customer_id: int, badge_key: str) -> str:
    return f"badge:{customer_id}:{badge_key}"


class BadgeRepository(abc.ABC):
    @abc.abstractmethod
    async def award(self, customer_id: int, badge_key: str, at: datetime) -> bool:
        """Insert-or-ignore on (customer, badge): True only for the one call that inserted it."""

    @abc.abstractmethod
    async def of_customer(self, customer_id: int) -> list[AwardedBadge]:
        """Oldest first."""

    @abc.abstractmethod
    async def completed_repairs(self, customer_id: int) -> int: ...

    @abc.abstractmethod
    async def members_without(
        self, badge_key: str, registered_before: datetime, *, after_id: int, limit: int
    ) -> list[int]:
        """Ids of live, consented members registered at or before the moment who lack the badge, ascending."""
