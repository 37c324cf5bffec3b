"""Read the program rules file (TOML), validate it, and turn it into domain dataclasses."""

from __future__ import annotations

import tomllib
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import phonenumbers
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from domain import rules as d
from domain.badges import Badge, BadgeCondition
from domain.customers import Channel
from domain.feedback import FeedbackRules
from domain.repairs import DeviceCategory
from domain.shop import Shop

DEFAULT_RULES = Path(__file__).parent / "program_rules.toml"
KNOWN_PERKS = frozenset({"extra_warranty_months", "free_diagnostics", "priority_queue"})
MONEY_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"  # as the API's money (webhooks/fields.py)
NonNegative = Annotated[int, Field(ge=0)]
Positive = Annotated[int, Field(gt=0)]
Names = dict[str, Annotated[str, Field(min_length=1)]]


class RulesError(Exception):
    """The rules file is unreadable or invalid; the message names the key and the reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Bonus(_Strict):
    points: NonNegative
    expires_days: Positive


class _Earning(_Strict):
    expires_days: Positive
    excluded_item_kinds: list[str] = []
    retroactive_for_linked_repairs: bool = False


class _Perk(_Strict):
    key: str
    value: Positive | None = None

    @field_validator("key")
    @classmethod
    def _known(cls, key: str) -> str:
        if key not in KNOWN_PERKS:
            raise ValueError(f"unknown perk {key!r}; known: {', '.join(sorted(KNOWN_PERKS))}")
        return key


class _Tier(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    names: Names
    threshold: Annotated[Decimal, Field(ge=0)]
    earn_rate_percent: Annotated[Decimal, Field(ge=0, le=100)]
    perks: list[_Perk] = []

    @field_validator("names")
    @classmethod
    def _both_locales(cls, names: dict[str, str]) -> dict[str, str]:
        missing = {"ru", "en"} - names.keys()
        if missing:
            raise ValueError(f"needs a name in {', '.join(sorted(missing))}")
        return names


class _Tiers(_Strict):
    window_days: Positive
    levels: Annotated[list[_Tier], Field(min_length=1)]

    @model_validator(mode="after")
    def _ordered(self) -> _Tiers:
        if self.levels[0].threshold != 0:
            raise ValueError("the first tier must start at threshold 0")
        keys = [t.key for t in self.levels]
        if len(set(keys)) != len(keys):
            raise ValueError("tier keys must be unique")
        for low, high in zip(self.levels, self.levels[1:], strict=False):
            if high.threshold <= low.threshold:
                raise ValueError(f"tier {high.key!r} must have a higher threshold than {low.key!r}")
        return self


class _Redemption(_Strict):
    max_bill_share_percent: Annotated[Decimal, Field(gt=0, le=100)]
    currency_per_point: Positive = 1
    code_ttl_minutes: Positive = 10
    code_max_attempts: Positive = 5


class _Expiry(_Strict):
    warn_days_ahead: NonNegative


class _Birthday(_Strict):
    points: NonNegative
    expires_days: Positive
    min_days_since_change: NonNegative


class _Referral(_Strict):
    friend_bonus: NonNegative
    friend_bonus_expires_days: Positive
    referrer_bonus: NonNegative
    min_first_repair: Annotated[Decimal, Field(ge=0)]
    monthly_cap: NonNegative


class _Marketing(_Strict):
    quiet_hours_start: time
    quiet_hours_end: time
    max_messages_per_week: NonNegative
    campaign_max_bonus_points: NonNegative = 1000
    campaign_bonus_expires_days: Positive = 30


class _Conditions(_Strict):
    device_categories: list[DeviceCategory] = []
    tiers: list[str] = []
    min_visits: NonNegative | None = None
    max_visits: NonNegative | None = None
    min_avg_check: Annotated[Decimal, Field(ge=0)] | None = None
    last_visit_older_than_days: Positive | None = None
    last_visit_within_days: Positive | None = None
    category_repaired_more_than_days_ago: Positive | None = None


class _Offer(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    titles: Names
    texts: Names
    conditions: _Conditions = _Conditions()
    partner: str | None = None
    promo_code: str | None = None
    priority: int = 0
    valid_from: date | None = None
    valid_until: date | None = None

    @model_validator(mode="after")
    def _window_and_partner(self) -> _Offer:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError("valid_until is before valid_from")
        if (self.partner is None) != (self.promo_code is None):
            raise ValueError("a partner offer names both the partner and its promo_code")
        return self


class _InBothLanguages(_Strict):
    """A text the customer reads, in each of the product's languages (ru and en), none left out."""

    ru: Annotated[str, Field(min_length=1, max_length=160)]
    en: Annotated[str, Field(min_length=1, max_length=160)]

    @field_validator("ru", "en")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if value != value.strip() or "\n" in value:
            raise ValueError("one line, without spaces around it")
        return value


# Short enough that the bot's descriptions hold them (Telegram: 120 characters short, 512 long).
_SHORT_TEXTS = {"name": 64, "staff_name": 64, "hours": 80, "address": 120}


class _Shop(_Strict):
    name: _InBothLanguages
    address: _InBothLanguages
    phone: str
    hours: _InBothLanguages
    map_url: HttpUrl | None = None
    staff_name: _InBothLanguages | None = None

    @field_validator("name", "staff_name", "hours", "address")
    @classmethod
    def _short(cls, value: _InBothLanguages | None, info: ValidationInfo) -> _InBothLanguages | None:
        limit = _SHORT_TEXTS[str(info.field_name)]
        if value is not None and max(len(value.ru), len(value.en)) > limit:
            raise ValueError(f"at most {limit} characters in each language")
        return value

    @field_validator("phone")
    @classmethod
    def _callable(cls, value: str) -> str:
        try:
            number = phonenumbers.parse(value, "RU")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number) or len(value) > 32:
            raise ValueError("not a phone number customers can call, e.g. +7 495 123-45-67")
        return value


class _Linking(_Strict):
    max_age_days: Positive = 90


class _Kpi(_Strict):
    churn_horizon_days: Positive = 365
    attribution_days: Positive = 30
    # a decimal string per channel, e.g. whatsapp = "5.50": what one sent message costs
    message_price: dict[Channel, Annotated[str, Field(pattern=MONEY_PATTERN)]] = {
        Channel.TELEGRAM: "0",
        Channel.WHATSAPP: "5.50",
    }


class _Feedback(_Strict):
    # at least 1: the job runs once a day and asks about the day before (0 would miss every repair
    # completed after ask_at)
    delay_days: Positive = 1
    ask_at: time = time(11, 0)
    alert_at_or_below: Annotated[int, Field(ge=0, le=5)] = 3
    open_days: Positive = 7
    comment_minutes: Positive = 60


class _BadgeCondition(_Strict):
    """Exactly one of: completed repairs, friends invited, days in the program, a tier reached."""

    repairs: Positive | None = None
    friends_invited: Positive | None = None
    days_in_program: Positive | None = None
    tier: str | None = None


class _Badge(_Strict):
    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
    names: Names
    condition: _BadgeCondition

    @field_validator("names")
    @classmethod
    def _both_locales(cls, names: dict[str, str]) -> dict[str, str]:
        missing = {"ru", "en"} - names.keys()
        if missing:
            raise ValueError(f"needs a name in {', '.join(sorted(missing))}")
        return names

    @model_validator(mode="after")
    def _exactly_one_condition(self) -> _Badge:
        given = [name for name, value in self.condition.model_dump().items() if value is not None]
        if len(given) != 1:
            raise ValueError(
                f"badge {self.key!r}: the condition needs exactly one of repairs, friends_invited,"
                " days_in_program, tier" + (f" (got {', '.join(given)})" if given else "")
            )
        return self


class _Rules(_Strict):
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    welcome: _Bonus
    earning: _Earning
    tiers: _Tiers
    redemption: _Redemption
    expiry: _Expiry
    birthday: _Birthday
    referral: _Referral
    marketing: _Marketing
    offers: list[_Offer] = []
    shop: _Shop | None = None
    kpi: _Kpi = _Kpi()
    offers_code_valid_days: Positive = 30
    badges: list[_Badge] = []
    linking: _Linking = _Linking()
    feedback: _Feedback = _Feedback()

    @model_validator(mode="after")
    def _feedback_outside_quiet_hours(self) -> _Rules:
        start, end = self.marketing.quiet_hours_start, self.marketing.quiet_hours_end
        ask = self.feedback.ask_at
        inside = start != end and (start <= ask < end if start < end else (ask >= start or ask < end))
        if inside:
            raise ValueError(
                f"feedback.ask_at {ask.strftime('%H:%M')} is in the quiet hours "
                f"({start.strftime('%H:%M')}-{end.strftime('%H:%M')}): choose a time outside them"
            )
        return self

    @model_validator(mode="after")
    def _badges_valid(self) -> _Rules:
        known, seen = {t.key for t in self.tiers.levels}, set[str]()
        for badge in self.badges:
            if badge.key in seen:
                raise ValueError(f"badge {badge.key!r} is declared twice")
            seen.add(badge.key)
            tier = badge.condition.tier
            if tier is not None and tier not in known:
                raise ValueError(f"badge {badge.key!r} names an unknown tier {tier!r}")
        return self

    @model_validator(mode="after")
    def _offer_tiers_exist(self) -> _Rules:
        known = {t.key for t in self.tiers.levels}
        keys = [o.key for o in self.offers]
        if len(keys) != len(set(keys)):
            raise ValueError("offer keys must be unique: personal codes are issued per key")
        for offer in self.offers:
            unknown = set(offer.conditions.tiers) - known
            if unknown:
                raise ValueError(f"offer {offer.key!r} names unknown tiers: {', '.join(sorted(unknown))}")
        return self


def _minor(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


def parse_rules(text: str, source: str = "rules") -> d.ProgramRules:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"{source}: not valid TOML: {exc}") from None
    try:
        r = _Rules.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()]
        raise RulesError(f"{source}: invalid program rules:\n  " + "\n  ".join(lines)) from None
    return d.ProgramRules(
        currency=r.currency,
        welcome=d.Bonus(r.welcome.points, r.welcome.expires_days),
        earning=d.EarningRules(
            r.earning.expires_days,
            frozenset(r.earning.excluded_item_kinds),
            r.earning.retroactive_for_linked_repairs,
        ),
        tier_window_days=r.tiers.window_days,
        tiers=tuple(
            d.Tier(
                t.key,
                dict(t.names),
                _minor(t.threshold),
                t.earn_rate_percent,
                tuple(d.Perk(p.key, p.value) for p in t.perks),
            )
            for t in r.tiers.levels
        ),
        redemption=d.RedemptionRules(
            r.redemption.max_bill_share_percent / 100,
            r.redemption.currency_per_point * 100,
            r.redemption.code_ttl_minutes,
            r.redemption.code_max_attempts,
        ),
        expiry=d.ExpiryRules(r.expiry.warn_days_ahead),
        birthday=d.BirthdayRules(
            r.birthday.points, r.birthday.expires_days, r.birthday.min_days_since_change
        ),
        referral=d.ReferralRules(
            r.referral.friend_bonus,
            r.referral.friend_bonus_expires_days,
            r.referral.referrer_bonus,
            _minor(r.referral.min_first_repair),
            r.referral.monthly_cap,
        ),
        marketing=d.MarketingRules(
            r.marketing.quiet_hours_start,
            r.marketing.quiet_hours_end,
            r.marketing.max_messages_per_week,
            r.marketing.campaign_max_bonus_points,
            r.marketing.campaign_bonus_expires_days,
        ),
        offers=tuple(
            d.Offer(
                key=o.key,
                titles=dict(o.titles),
                texts=dict(o.texts),
                partner=o.partner,
                promo_code=o.promo_code,
                priority=o.priority,
                valid_from=o.valid_from,
                valid_until=o.valid_until,
                conditions=d.OfferConditions(
                    device_categories=frozenset(c.value for c in o.conditions.device_categories),
                    tiers=frozenset(o.conditions.tiers),
                    min_visits=o.conditions.min_visits,
                    max_visits=o.conditions.max_visits,
                    min_avg_check_minor=_minor(o.conditions.min_avg_check)
                    if o.conditions.min_avg_check is not None
                    else None,
                    last_visit_older_than_days=o.conditions.last_visit_older_than_days,
                    last_visit_within_days=o.conditions.last_visit_within_days,
                    category_repaired_more_than_days_ago=o.conditions.category_repaired_more_than_days_ago,
                ),
            )
            for o in r.offers
        ),
        shop=_shop(r.shop),
        kpi=d.KpiRules(
            r.kpi.churn_horizon_days,
            r.kpi.attribution_days,
            {channel.value: _minor(Decimal(price)) for channel, price in r.kpi.message_price.items()},
        ),
        offers_code_valid_days=r.offers_code_valid_days,
        badges=tuple(_badge(b) for b in r.badges),
        linking_max_age_days=r.linking.max_age_days,
        feedback=FeedbackRules(
            r.feedback.delay_days,
            r.feedback.ask_at,
            r.feedback.alert_at_or_below,
            r.feedback.open_days,
            r.feedback.comment_minutes,
        ),
    )


def _badge(b: _Badge) -> Badge:
    c = b.condition
    if c.tier is not None:
        return Badge(b.key, dict(b.names), BadgeCondition.TIER, tier_key=c.tier)
    kind, value = next(
        (k, v)
        for k, v in (
            (BadgeCondition.REPAIRS, c.repairs),
            (BadgeCondition.FRIENDS_INVITED, c.friends_invited),
            (BadgeCondition.DAYS_IN_PROGRAM, c.days_in_program),
        )
        if v is not None
    )
    return Badge(b.key, dict(b.names), kind, value=value)


def _shop(s: _Shop | None) -> Shop | None:
    if s is None:
        return None
    return Shop(
        names=s.name.model_dump(),
        addresses=s.address.model_dump(),
        phone=s.phone,
        hours=s.hours.model_dump(),
        map_url=str(s.map_url) if s.map_url else None,
        staff_names=s.staff_name.model_dump() if s.staff_name else None,
    )


def load_rules(path: Path | None = None) -> d.ProgramRules:
    path = path or DEFAULT_RULES
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: cannot read the program rules: {exc.strerror}") from None
    return parse_rules(text, str(path))
