"""Referrals: who brought whom, what each side was paid, and every refusal with its reason.

A referral is one row per friend (`source_key` "friend:<id>"); an attempt that cannot be a
referral (a member using a link later, their own link) is a refused row of its own, so every
refusal shows in the customer card. The phone's keyed fingerprint (HMAC-SHA256 under the
installation secret) outlives a deleted account and keeps only what the fraud checks need.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ReferralStatus(StrEnum):
    PENDING = "pending"
    REWARDED = "rewarded"
    REVERSED = "reversed"
    REFUSED = "refused"


class RefusalReason(StrEnum):
    SELF_REFERRAL = "self_referral"
    ALREADY_MEMBER = "already_member"  # one referrer, fixed at registration
    KNOWN_PHONE = "known_phone"
    KNOWN_SERIAL = "known_serial"
    MONTHLY_CAP = "monthly_cap"
    FIRST_REPAIR_BELOW_MINIMUM = "first_repair_below_minimum"
    REFERRER_DELETED = "referrer_deleted"


@dataclass
class Referral:
    source_key: str
    referrer_id: int
    friend_id: int | None
    status: ReferralStatus
    created_at: datetime
    updated_at: datetime
    reason: RefusalReason | None = None
    order_id: str | None = None
    reward_entry_id: int | None = None
    rewarded_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class PhoneMark:
    """What the program remembers of a phone, under its fingerprint, whoever owns it now."""

    fingerprint: str
    first_seen_at: datetime
    welcome_granted: bool
    referred: bool


def phone_fingerprint(secret: bytes, phone: str) -> str:
    return hmac.new(secret, phone.encode(), hashlib.sha256).hexdigest()


def friend_key(friend_id: int) -> str:
    return f"friend:{friend_id}"


class ReferralRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, referral: Referral) -> Referral:
        """Insert unless `source_key` is there already; either way return the stored row."""

    @abc.abstractmethod
    async def of_friend(self, friend_id: int, *, lock: bool = False) -> Referral | None: ...

    @abc.abstractmethod
    async def decide(self, referral: Referral, expected: ReferralStatus) -> bool:
        """Save status, reason, order, reward entry and times if the row still has `expected`."""

    @abc.abstractmethod
    async def of_referrer(self, referrer_id: int) -> list[Referral]:
        """Oldest first."""

    @abc.abstractmethod
    async def rewarded_between(self, referrer_id: int, start: datetime, end: datetime) -> int:
        """How many of the referrer's rewards were granted in [start, end) (reversed ones count)."""

    @abc.abstractmethod
    async def serial_seen_elsewhere(self, serial: str, customer_id: int, order_id: str) -> bool:
        """Whether a repair other than `order_id`, not the customer's, carries `serial`
        (spaces, hyphens and letter case aside: the same serial typed another way)."""


class PhoneMarkRepository(abc.ABC):
    @abc.abstractmethod
    async def installation_secret(self, candidate: bytes, now: datetime) -> bytes:
        """The installation's secret: `candidate` if none was stored yet, else the stored one."""

    @abc.abstractmethod
    async def get(self, fingerprint: str) -> PhoneMark | None: ...

    @abc.abstractmethod
    async def mark(self, fingerprint: str, now: datetime, *, welcome_granted: bool, referred: bool) -> None:
        """Remember the phone; flags only ever turn on."""
