"""The referral program's reactions: repairs settle referrals, and both sides hear of a reward."""

from __future__ import annotations

from datetime import datetime

from domain.events import ReferralRewarded, RepairCancelled, RepairCompleted
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.referrals import reverse_referral_reward, reward_referrer


class ReferralReactions:
    def __init__(self, rules: ProgramRules, timezone: str) -> None:
        self._rules = rules
        self._timezone = timezone

    async def settle_on_completion(self, uow: UnitOfWork, event: RepairCompleted) -> None:
        await reward_referrer(uow, self._rules, self._timezone, event)

    async def reverse_on_cancellation(self, uow: UnitOfWork, event: RepairCancelled) -> None:
        await reverse_referral_reward(uow, event)

    async def tell_both_sides(self, uow: UnitOfWork, event: ReferralRewarded) -> None:
        """The referrer hears of the points; the friend, only that their inviter was thanked."""
        context: dict[str, object] = {"points": event.points, "balance": event.balance}
        key = f"referral_rewarded:{event.referral_id}"
        await _queue(uow, event.referrer_id, "referral_rewarded", context, key, event.at)
        thanked = f"referral_thanked:{event.referral_id}"
        await _queue(uow, event.friend_id, "referral_thanked", {}, thanked, event.at)


async def _queue(
    uow: UnitOfWork, customer_id: int, template: str, context: dict[str, object], key: str, at: datetime
) -> None:
    await uow.outbox.add(
        OutboxMessage(
            customer_id=customer_id, template=template, context=context, dedupe_key=key, created_at=at
        )
    )
