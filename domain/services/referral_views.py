"""What the customer card and the /invite screen say about a member's referrals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.ports import UnitOfWork
from domain.referrals import ReferralStatus


@dataclass(frozen=True)
class Refusal:
    friend_customer_id: int | None
    reason: str
    at: datetime


@dataclass(frozen=True)
class ReferralSummary:
    joined: int
    pending: int
    rewarded: int
    refusals: tuple[Refusal, ...]


async def referral_summary(uow: UnitOfWork, customer_id: int) -> ReferralSummary:
    """Friends who joined through the member's link, their rewards, and every refusal, oldest first."""
    rows = await uow.referrals.of_referrer(customer_id)
    friends = [r for r in rows if r.source_key.startswith("friend:")]
    return ReferralSummary(
        joined=len(friends),
        pending=sum(r.status is ReferralStatus.PENDING for r in friends),
        rewarded=sum(r.status is ReferralStatus.REWARDED for r in friends),
        refusals=tuple(
            Refusal(r.friend_id, r.reason.value, r.updated_at)
            for r in rows
            if r.status is ReferralStatus.REFUSED and r.reason is not None
        ),
    )
