"""The program rules as plain data. Parsed and validated at the edge (app/rules_file.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from domain.badges import Badge
from domain.feedback import FeedbackRules
from domain.shop import Shop


@dataclass(frozen=True)
class Perk:
    key: str
    value: int | None = None


@dataclass(frozen=True)
class Tier:
    key: str
    names: dict[str, str]
    threshold_minor: int
    earn_rate_percent: Decimal
    perks: tuple[Perk, ...] = ()

    def name(self, locale: str) -> str:
        return self.names.get(locale) or next(iter(self.names.values()), self.key)


@dataclass(frozen=True)
class Bonus:
    points: int
    expires_days: int


@dataclass(frozen=True)
class EarningRules:
    expires_days: int
    excluded_item_kinds: frozenset[str]
    retroactive_for_linked_repairs: bool = False


@dataclass(frozen=True)
class RedemptionRules:
    max_bill_share: Decimal
    minor_per_point: int
    code_ttl_minutes: int = 10
    code_max_attempts: int = 5


@dataclass(frozen=True)
class ExpiryRules:
    warn_days_ahead: int


@dataclass(frozen=True)
class BirthdayRules:
    points: int
    expires_days: int
    min_days_since_change: int


@dataclass(frozen=True)
class ReferralRules:
    friend_bonus: int
    friend_bonus_expires_days: int
    referrer_bonus: int
    min_first_repair_minor: int
    monthly_cap: int


@dataclass(frozen=True)
class MarketingRules:
    quiet_start: time
    quiet_end: time
    max_messages_per_week: int
    campaign_max_bonus_points: int = 1000  # a campaign's `bonus_points` may not go above it
    campaign_bonus_expires_days: int = 30


@dataclass(frozen=True)
class OfferConditions:
    device_categories: frozenset[str] = frozenset()
    tiers: frozenset[str] = frozenset()
    min_visits: int | None = None
    max_visits: int | None = None
    min_avg_check_minor: int | None = None
    last_visit_older_than_days: int | None = None
    last_visit_within_days: int | None = None
    category_repaired_more_than_days_ago: int | None = None


@dataclass(frozen=True)
class Offer:
    key: str
    titles: dict[str, str]
    texts: dict[str, str]
    conditions: OfferConditions
    partner: str | None = None
    promo_code: str | None = None
    priority: int = 0  # best first: the higher priority, then the order in the rules file
    valid_from: date | None = None  # first and last day (shop time) the offer is shown, inclusive
    valid_until: date | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class KpiRules:
    """The `[kpi]` section: how the reports count (docs/kpi.md)."""

    churn_horizon_days: int = 365
    attribution_days: int = 30
    message_price_minor: dict[str, int] = field(default_factory=lambda: {"telegram": 0, "whatsapp": 550})


@dataclass(frozen=True)
class ProgramRules:
    currency: str
    welcome: Bonus
    earning: EarningRules
    tier_window_days: int
    tiers: tuple[Tier, ...]
    redemption: RedemptionRules
    expiry: ExpiryRules
    birthday: BirthdayRules
    referral: ReferralRules
    marketing: MarketingRules
    offers: tuple[Offer, ...] = field(default=())
    shop: Shop | None = None  # the `[shop]` section; without it the texts say "the service center"
    kpi: KpiRules = field(default_factory=KpiRules)
    offers_code_valid_days: int = 30  # a personal code of an offer without an end lasts this long
    badges: tuple[Badge, ...] = field(default=())
    # A repair whose last event is older than this is not linked to whoever registers its phone:
    # numbers change hands, and a stranger's old repairs are not the new owner's to see.
    linking_max_age_days: int = 90
    feedback: FeedbackRules = field(default_factory=FeedbackRules)

    def tier(self, key: str) -> Tier:
        for tier in self.tiers:
            if tier.key == key:
                return tier
        return self.tiers[0]

    @property
    def base_tier(self) -> Tier:
        return self.tiers[0]
