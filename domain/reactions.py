"""What follows from what happened: the one place that reacts to the domain's events.

Each reaction runs inside the unit of work that recorded its event, before it commits, so what
a reaction writes (today: messages in the outbox) commits or rolls back with the change itself.
A new rule that reacts to something (a referral reward, a badge, a feedback request) is one more
line in the table of `ProgramReactions.__init__` and one method, not an edit inside a use case.

Which message kind tells the customer about an event is chosen here; how it reads is
messages/'s business (the outbox `template` names a message kind there).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from domain.badge_reactions import BadgeReactions
from domain.events import (
    BadgeAwarded,
    BirthdayBonusGranted,
    CustomerRegistered,
    Event,
    PointsEarned,
    PointsExpiringSoon,
    QuoteAnswered,
    RedemptionRequested,
    ReferralRewarded,
    RepairCancelled,
    RepairCompleted,
    RepairStatusChanged,
    TierDowngraded,
    TierUpgraded,
)
from domain.ledger import EntryKind
from domain.outbox import OutboxMessage
from domain.ports import Reactions, UnitOfWork
from domain.quote_answers import confirm_quote_answer, quote_ref
from domain.referral_reactions import ReferralReactions
from domain.repairs import RepairStatus, quote_fingerprint
from domain.rules import ProgramRules

E = TypeVar("E", bound=Event)
Reaction = Callable[[UnitOfWork, E], Awaitable[None]]

# The statuses of an open order a customer is told about, and the message kind that tells them.
REPAIR_STATUS_MESSAGES = {
    RepairStatus.RECEIVED: "repair_received",
    RepairStatus.WAITING_APPROVAL: "repair_waiting_approval",
    RepairStatus.READY: "repair_ready",
}


class ProgramReactions(Reactions):
    def __init__(self, rules: ProgramRules, *, timezone: str = "UTC") -> None:
        self._rules = rules
        self._table: dict[type[Event], list[Reaction[Any]]] = {}
        self.on(RepairStatusChanged, self.tell_repair_status)
        self.on(RepairCancelled, self.tell_repair_cancelled)
        self.on(PointsEarned, self.tell_points_earned)
        self.on(TierUpgraded, self.tell_tier_upgraded)
        self.on(TierDowngraded, self.tell_tier_downgraded)
        self.on(RedemptionRequested, self.send_redemption_code)
        self.on(BirthdayBonusGranted, self.greet_birthday)
        self.on(PointsExpiringSoon, self.warn_of_expiry)
        referrals = ReferralReactions(rules, timezone)  # the month of the referral cap is the shop's
        self.on(RepairCompleted, referrals.settle_on_completion)
        self.on(RepairCancelled, referrals.reverse_on_cancellation)
        self.on(ReferralRewarded, referrals.tell_both_sides)
        self.on(QuoteAnswered, confirm_quote_answer)
        badges = BadgeReactions(rules)
        self.on(RepairCompleted, badges.after_repair)
        self.on(CustomerRegistered, badges.after_registration)
        self.on(TierUpgraded, badges.after_tier_upgrade)
        self.on(BadgeAwarded, badges.announce)

    def on(self, event_type: type[E], reaction: Reaction[E]) -> None:
        """Run `reaction` for every `event_type` event, after the ones registered before it."""
        self._table.setdefault(event_type, []).append(reaction)

    async def react(self, uow: UnitOfWork, event: Event) -> None:
        for reaction in self._table.get(type(event), ()):
            await reaction(uow, event)

    async def tell_repair_status(self, uow: UnitOfWork, event: RepairStatusChanged) -> None:
        template = REPAIR_STATUS_MESSAGES.get(event.status)
        if template is None or event.customer_id is None:
            return
        context: dict[str, object] = {
            "order_id": event.order_id,
            "device_category": event.device_category.value,
            "device": " ".join(p for p in (event.device_brand, event.device_model) if p),
            "eta": event.eta.isoformat() if event.eta else None,
        }
        key = f"repair:{event.order_id}:status:{event.status.value}"
        if event.quote_amount_minor is not None:
            context.update(quote_amount_minor=event.quote_amount_minor, quote_text=event.quote_text)
            context["quote_ref"] = quote_ref(event.order_id, event.quote_amount_minor, event.quote_text)
            key += f":quote:{quote_fingerprint(event.quote_amount_minor, event.quote_text)}"
        await _queue(uow, event.customer_id, template, context, key, event.at)

    async def tell_repair_cancelled(self, uow: UnitOfWork, event: RepairCancelled) -> None:
        if event.customer_id is None:
            return
        context: dict[str, object] = {
            "order_id": event.order_id,
            "taken_back": event.taken_back,
            "given_back": event.given_back,
            "balance": event.balance,
        }
        key = f"repair:{event.order_id}:status:cancelled"
        await _queue(uow, event.customer_id, "repair_cancelled", context, key, event.at)

    async def tell_points_earned(self, uow: UnitOfWork, event: PointsEarned) -> None:
        # A welcome bonus is told by the welcome screen that grants it.
        if event.kind is not EntryKind.EARN or event.order_id is None:
            return
        context: dict[str, object] = {
            "order_id": event.order_id,
            "points": event.points,
            "balance": event.balance,
            "paid_minor": event.paid_minor or 0,
            "expires_days": event.expires_in_days,
        }
        key = f"points_earned:{event.entry_id}"
        await _queue(uow, event.customer_id, "points_earned", context, key, event.at)

    async def tell_tier_upgraded(self, uow: UnitOfWork, event: TierUpgraded) -> None:
        tier = self._rules.tier(event.tier_key)
        context: dict[str, object] = {
            "tier_key": tier.key,
            "tier_names": dict(tier.names),
            "earn_rate_percent": str(tier.earn_rate_percent),
        }
        cause = event.order_id if event.order_id is not None else f"review:{event.review_month}"
        key = f"tier_upgraded:{event.customer_id}:{event.tier_key}:{cause}"
        await _queue(uow, event.customer_id, "tier_upgraded", context, key, event.at)

    async def tell_tier_downgraded(self, uow: UnitOfWork, event: TierDowngraded) -> None:
        tier, previous = self._rules.tier(event.tier_key), self._rules.tier(event.previous_tier_key)
        context: dict[str, object] = {
            "tier_key": tier.key,
            "tier_names": dict(tier.names),
            "earn_rate_percent": str(tier.earn_rate_percent),
            "previous_tier_key": previous.key,
            "previous_tier_names": dict(previous.names),
            "previous_threshold_minor": previous.threshold_minor,
            "spent_minor": event.spent_minor,
            "to_regain_minor": event.to_regain_minor,
            "window_days": event.window_days,
        }
        key = f"tier_downgraded:{event.customer_id}:{event.review_month}"
        await _queue(uow, event.customer_id, "tier_downgraded", context, key, event.at)

    async def send_redemption_code(self, uow: UnitOfWork, event: RedemptionRequested) -> None:
        context: dict[str, object] = {
            "code": event.code,
            "points": event.points,
            "order_id": event.order_id,
            "bill_minor": event.bill_minor,
            "ttl_minutes": event.valid_minutes,
        }
        key = f"redemption_code:{event.redemption_id}"
        await _queue(uow, event.customer_id, "redemption_code", context, key, event.at, sensitive=True)

    async def greet_birthday(self, uow: UnitOfWork, event: BirthdayBonusGranted) -> None:
        context: dict[str, object] = {
            "points": event.points,
            "expires_on": event.expires_on.isoformat() if event.expires_on else None,
            "balance": event.balance,
        }
        key = f"birthday_bonus:{event.entry_id}"
        await _queue(uow, event.customer_id, "birthday_bonus", context, key, event.at)

    async def warn_of_expiry(self, uow: UnitOfWork, event: PointsExpiringSoon) -> None:
        context: dict[str, object] = {
            "points": event.points,
            "expires_on": event.expires_on.isoformat(),
            "balance": event.balance,
        }
        key = f"expiry_warning:{event.lot_id}"
        await _queue(uow, event.customer_id, "points_expiring", context, key, event.at)


async def _queue(
    uow: UnitOfWork,
    customer_id: int,
    template: str,
    context: dict[str, object],
    key: str,
    at: datetime,
    *,
    sensitive: bool = False,
) -> None:
    await uow.outbox.add(
        OutboxMessage(
            customer_id=customer_id,
            template=template,
            context=context,
            dedupe_key=key,
            created_at=at,
            sensitive=sensitive,
        )
    )
