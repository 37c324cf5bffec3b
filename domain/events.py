"""What happened, in the past tense: use cases record these, domain/reactions.py acts on them.

An event carries the plain facts a reaction needs (ids, points, balances, terms), never how a
message reads or which template says it: that choice belongs to the reactions and messages/.
`at` is when the program took note of it (the use case's `now`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.customers import Channel
from domain.ledger import EntryKind
from domain.repairs import DeviceCategory, RepairStatus


@dataclass(frozen=True, kw_only=True)
class Event:
    at: datetime


@dataclass(frozen=True, kw_only=True)
class CustomerRegistered(Event):
    """A new member, with their consents given (`referred_by_id`: whose link brought them)."""

    customer_id: int
    channel: Channel | None
    referred_by_id: int | None
    linked_repairs: int


@dataclass(frozen=True, kw_only=True)
class CustomerJoined(Event):
    """A channel joined the member who already owned the phone (e.g. WhatsApp after Telegram)."""

    customer_id: int
    channel: Channel | None


@dataclass(frozen=True, kw_only=True)
class ChannelBlocked(Event):
    """The member blocked the bot on `channel`: delivery stops using that identity."""

    customer_id: int
    channel: Channel


@dataclass(frozen=True, kw_only=True)
class ChannelUnblocked(Event):
    """The member unblocked the bot on `channel`: delivery may use that identity again."""

    customer_id: int
    channel: Channel


@dataclass(frozen=True, kw_only=True)
class PointsEarned(Event):
    """A new lot of points; `order_id` and `paid_minor` are set when a repair earned it."""

    customer_id: int
    entry_id: int
    kind: EntryKind
    points: int
    balance: int
    expires_in_days: int | None
    order_id: str | None = None
    paid_minor: int | None = None


@dataclass(frozen=True, kw_only=True)
class PointsReversed(Event):
    """An entry undone by its reversal (`points` signed as the reversal entry is)."""

    customer_id: int
    entry_id: int
    reversed_entry_id: int
    points: int
    balance: int
    order_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class TierUpgraded(Event):
    """The window's spend reached a higher tier: `order_id` is the repair whose payment did it,
    or `review_month` the monthly review that found it ("2026-12")."""

    customer_id: int
    tier_key: str
    order_id: str | None = None
    review_month: str | None = None


@dataclass(frozen=True, kw_only=True)
class TierDowngraded(Event):
    """The monthly review found the window's spend below the tier: the member now has `tier_key`.

    `to_regain_minor` is what the window's spend lacks to reach `previous_tier_key` again.
    """

    customer_id: int
    tier_key: str
    previous_tier_key: str
    spent_minor: int
    to_regain_minor: int
    window_days: int
    review_month: str


@dataclass(frozen=True, kw_only=True)
class RepairStatusChanged(Event):
    """An open order moved to a new, not final status (`customer_id` None: not a member's order)."""

    order_id: str
    customer_id: int | None
    status: RepairStatus
    device_category: DeviceCategory
    device_brand: str | None
    device_model: str | None
    eta: date | None
    quote_amount_minor: int | None = None  # waiting_approval: what the customer is asked to approve
    quote_text: str | None = None


@dataclass(frozen=True, kw_only=True)
class RepairCompleted(Event):
    """The order closed as done; `paid_minor` is the money paid that earns."""

    order_id: str
    customer_id: int | None
    amount_minor: int
    paid_minor: int
    points_used: int


@dataclass(frozen=True, kw_only=True)
class RepairCancelled(Event):
    """The order closed as cancelled; for a member, the points taken back and given back."""

    order_id: str
    customer_id: int | None
    taken_back: int = 0
    given_back: int = 0
    balance: int | None = None


@dataclass(frozen=True, kw_only=True)
class RedemptionRequested(Event):
    """The desk asked to spend points: the one-time code must reach the customer's chat."""

    customer_id: int
    redemption_id: int
    code: str = field(repr=False)  # a secret: never in a log line
    points: int
    order_id: str
    bill_minor: int
    valid_minutes: int


@dataclass(frozen=True, kw_only=True)
class BirthdayBonusGranted(Event):
    """The year's birthday bonus was credited; `expires_on` is the lot's last day, in shop time."""

    customer_id: int
    entry_id: int
    points: int
    balance: int
    expires_on: date | None


@dataclass(frozen=True, kw_only=True)
class PointsExpiringSoon(Event):
    """A lot still holding `points` ends on `expires_on` (shop time): the customer is to be warned."""

    customer_id: int
    lot_id: int
    points: int
    balance: int
    expires_on: date


@dataclass(frozen=True, kw_only=True)
class ReferralRewarded(Event):
    """The friend's first paid repair earned the referrer their reward (`entry_id`)."""

    referral_id: int
    referrer_id: int
    friend_id: int
    entry_id: int
    points: int
    balance: int
    order_id: str


@dataclass(frozen=True, kw_only=True)
class ReferralRefused(Event):
    """A referral that will never pay, with its reason (a RefusalReason value)."""

    referral_id: int
    referrer_id: int
    friend_id: int | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReferralReversed(Event):
    """The qualifying repair was cancelled: the referrer's reward was taken back (`points` <= 0)."""

    referral_id: int
    referrer_id: int
    order_id: str
    points: int


@dataclass(frozen=True, kw_only=True)
class QuoteAnswered(Event):
    """A customer answered a repair quote (approved, declined, or asked for a call), once per quote."""

    customer_id: int
    order_id: str
    answer: str  # domain.quotes.Answer's value
    channel: str  # the channel the customer answered from, where the confirmation goes
    quote_amount_minor: int
    quote_text: str | None
    device_category: DeviceCategory
    device_brand: str | None
    device_model: str | None


@dataclass(frozen=True, kw_only=True)
class BadgeAwarded(Event):
    """The member earned the badge `badge_key` (once ever); `names` as the rules file gives them."""

    customer_id: int
    badge_key: str
    names: dict[str, str]
