"""The badge reactions: which events may earn which badges, and the announcement of an award.

Each looks only at the conditions its event can change (a completed repair: repairs and tier; a
friend's registration: the referrer's friends; a tier upgrade: tier), so an event costs at most
a couple of small queries. The "days in the program" badges have no event: the daily job
`badge_review` (scheduler/jobs/badge_review.py) awards them.
"""

from __future__ import annotations

from domain.badges import BadgeCondition, badge_message_key
from domain.events import BadgeAwarded, CustomerRegistered, RepairCompleted, TierUpgraded
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.badges import award_badges

ON_REPAIR = frozenset({BadgeCondition.REPAIRS, BadgeCondition.TIER})
ON_REFERRAL = frozenset({BadgeCondition.FRIENDS_INVITED})
ON_TIER = frozenset({BadgeCondition.TIER})


class BadgeReactions:
    def __init__(self, rules: ProgramRules) -> None:
        self._rules = rules

    async def after_repair(self, uow: UnitOfWork, event: RepairCompleted) -> None:
        if event.customer_id is not None:
            await award_badges(uow, self._rules, event.customer_id, event.at, conditions=ON_REPAIR)

    async def after_registration(self, uow: UnitOfWork, event: CustomerRegistered) -> None:
        if event.referred_by_id is not None:
            await award_badges(uow, self._rules, event.referred_by_id, event.at, conditions=ON_REFERRAL)
        if event.linked_repairs:  # repairs made before joining count (the badge is for the history)
            await award_badges(uow, self._rules, event.customer_id, event.at, conditions=ON_REPAIR)

    async def after_tier_upgrade(self, uow: UnitOfWork, event: TierUpgraded) -> None:
        await award_badges(uow, self._rules, event.customer_id, event.at, conditions=ON_TIER)

    async def announce(self, uow: UnitOfWork, event: BadgeAwarded) -> None:
        await uow.outbox.add(
            OutboxMessage(
                customer_id=event.customer_id,
                template="badge_awarded",
                context={"badge_key": event.badge_key, "badge_names": dict(event.names)},
                dedupe_key=badge_message_key(event.customer_id, event.badge_key),
                created_at=event.at,
            )
        )
