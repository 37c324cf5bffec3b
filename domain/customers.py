"""Customers, their consents and their channel identities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Channel(StrEnum):
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"


@dataclass
class Customer:
    phone: str | None
    name: str | None
    locale: str
    tier: str
    registered_at: datetime
    pd_consent_at: datetime | None
    pd_policy_version: str | None
    marketing_opt_in: bool = False
    marketing_consent_at: datetime | None = None
    birthday: date | None = None
    birthday_set_at: datetime | None = None
    points_balance: int = 0
    tier_changed_at: datetime | None = None
    referral_code: str | None = None
    referred_by_id: int | None = None
    deleted_at: datetime | None = None
    id: int | None = None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass
class ChannelIdentity:
    customer_id: int
    channel: Channel
    external_id: str
    created_at: datetime
    locale_hint: str | None = None
    last_inbound_at: datetime | None = None
    unreachable_at: datetime | None = None
    # when the platform says the customer last blocked or unblocked the bot: a report older than
    # that (they arrive out of order) changes nothing
    membership_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class Registration:
    """What a channel collected before the customer is created."""

    phone: str
    name: str | None
    locale: str
    policy_version: str
    marketing_opt_in: bool
    birthday: date | None = None
    channel: Channel | None = None
    external_id: str | None = None
    referral_code: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    document_hash: str | None = None  # sha256 of the consent text agreed to, recorded in the history
