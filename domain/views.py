"""What the chat screens show: plain data, rendered by messages/ for each channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.ledger import LedgerEntry
from domain.offer_codes import OfferCode
from domain.repairs import Repair
from domain.rules import Offer, Perk


@dataclass(frozen=True)
class BalanceView:
    name: str | None
    balance: int
    recent: tuple[LedgerEntry, ...]
    next_expiry_points: int
    next_expiry_at: datetime | None


@dataclass(frozen=True)
class RepairsView:
    active: tuple[Repair, ...]
    recent: tuple[Repair, ...]
    more_active: int = 0  # not shown, so that a chat message stays short
    more_recent: int = 0


@dataclass(frozen=True)
class TierView:
    tier_key: str
    tier_name: str
    earn_rate_percent: str
    perks: tuple[Perk, ...]
    next_tier_name: str | None
    next_earn_rate_percent: str | None
    next_perks: tuple[Perk, ...]
    spent_minor: int
    left_to_next_minor: int
    to_keep_minor: int
    progress_ratio: float
    window_days: int


@dataclass(frozen=True)
class OfferView:
    key: str
    title: str
    text: str
    partner: str | None
    promo_code: str | None
    code: str | None = None  # a shop offer's personal code, shown with its last day
    code_valid_until: date | None = None


@dataclass(frozen=True)
class OffersView:
    offers: tuple[OfferView, ...]
    marketing_opt_in: bool


@dataclass(frozen=True)
class InviteView:
    link: str
    friend_bonus: int
    referrer_bonus: int
    min_first_repair_minor: int
    invited: int
    pending: int = 0  # friends whose first repair is still to come
    rewarded: int = 0  # friends whose first repair paid the member


@dataclass(frozen=True)
class ProfileView:
    name: str | None
    phone_masked: str
    birthday: date | None
    locale: str
    marketing_opt_in: bool
    pd_consent_at: datetime | None
    pd_policy_version: str | None
    tier_name: str
    member_since: datetime
    badges: tuple[BadgeLine, ...] = ()  # oldest first


@dataclass(frozen=True)
class BadgeLine:
    """A badge the member holds, named in their language, with the day it was awarded."""

    name: str
    awarded_at: datetime


def offer_view(offer: Offer, locale: str, code: OfferCode | None = None) -> OfferView:
    def pick(texts: dict[str, str]) -> str:
        return texts.get(locale) or next(iter(texts.values()), "")

    return OfferView(
        offer.key,
        pick(offer.titles),
        pick(offer.texts),
        offer.partner,
        offer.promo_code,
        code.code if code else None,
        code.valid_until if code else None,
    )
