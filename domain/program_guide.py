"""How the program works, as plain data taken from the rules file: /rules renders it, never a copy."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from domain.rules import Perk, ProgramRules


@dataclass(frozen=True)
class TierLine:
    name: str
    threshold_minor: int
    earn_rate_percent: str
    perks: tuple[Perk, ...]


@dataclass(frozen=True)
class RulesView:
    tiers: tuple[TierLine, ...]
    window_days: int
    max_bill_share_percent: str
    minor_per_point: int
    earning_expires_days: int
    warn_days_ahead: int
    welcome_points: int
    welcome_expires_days: int
    birthday_points: int
    birthday_expires_days: int
    friend_bonus: int
    referrer_bonus: int
    min_first_repair_minor: int


def percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def get_rules_view(rules: ProgramRules, locale: str) -> RulesView:
    return RulesView(
        tiers=tuple(
            TierLine(t.name(locale), t.threshold_minor, percent(t.earn_rate_percent), t.perks)
            for t in rules.tiers
        ),
        window_days=rules.tier_window_days,
        max_bill_share_percent=percent(rules.redemption.max_bill_share * 100),
        minor_per_point=rules.redemption.minor_per_point,
        earning_expires_days=rules.earning.expires_days,
        warn_days_ahead=rules.expiry.warn_days_ahead,
        welcome_points=rules.welcome.points,
        welcome_expires_days=rules.welcome.expires_days,
        birthday_points=rules.birthday.points,
        birthday_expires_days=rules.birthday.expires_days,
        friend_bonus=rules.referral.friend_bonus,
        referrer_bonus=rules.referral.referrer_bonus,
        min_first_repair_minor=rules.referral.min_first_repair_minor,
    )
