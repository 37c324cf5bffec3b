"""Request and response models of the desk API, with the examples OpenAPI shows."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.customers import Customer
from domain.ledger import LedgerEntry
from domain.redemptions import Redemption, RedemptionStatus
from webhooks.fields import Money, OrderId, Phone, Text, minor_to_money


class CustomerOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 7,
                    "phone": "+79161234567",
                    "name": "Иван Петров",
                    "tier": "silver",
                    "points_balance": 420,
                    "marketing_opt_in": True,
                    "channels": ["telegram"],
                }
            ]
        }
    )

    id: int
    phone: str | None
    name: str | None
    tier: str = Field(description="The tier's key from the rules file: bronze, silver, gold, platinum.")
    points_balance: int
    marketing_opt_in: bool
    channels: list[Literal["telegram", "whatsapp"]]

    @classmethod
    def of(cls, customer: Customer, channels: list[str]) -> CustomerOut:
        assert customer.id is not None
        return cls(
            id=customer.id,
            phone=customer.phone,
            name=customer.name,
            tier=customer.tier,
            points_balance=customer.points_balance,
            marketing_opt_in=customer.marketing_opt_in,
            channels=channels,
        )


class CustomerList(BaseModel):
    items: list[CustomerOut]


class ReferralCounts(BaseModel):
    joined: int = Field(description="Friends who registered through the member's link")
    pending: int = Field(description="Of them, those whose first repair is still to come")
    rewarded: int = Field(description="Of them, those whose first repair paid the member")


class ReferralRefusalOut(BaseModel):
    friend_customer_id: int | None
    reason: str = Field(
        description="self_referral, already_member, known_phone, known_serial, monthly_cap, "
        "first_repair_below_minimum or referrer_deleted"
    )
    at: datetime


class BadgeOut(BaseModel):
    key: str = Field(description="The badge's key in the rules file's [[badges]]")
    awarded_at: datetime


class CustomerDetail(CustomerOut):
    locale: str
    registered_at: datetime
    referral_code: str | None
    referred_by: int | None = Field(description="The customer whose link brought this one")
    referrals: ReferralCounts
    referral_refusals: list[ReferralRefusalOut]
    badges: list[BadgeOut] = Field(description="The badges the member holds, oldest first")


class LedgerEntryOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 31,
                    "kind": "earn",
                    "points": 135,
                    "created_at": "2026-11-22T07:00:00Z",
                    "expires_at": "2027-11-22T07:00:00Z",
                    "remaining": 135,
                    "reverses_id": None,
                    "reason": None,
                    "author": None,
                    "order_id": "R-1042",
                }
            ]
        }
    )

    id: int
    kind: str
    points: int
    created_at: datetime
    expires_at: datetime | None
    remaining: int | None
    reverses_id: int | None
    reason: str | None
    author: str | None
    order_id: str | None

    @classmethod
    def of(cls, entry: LedgerEntry) -> LedgerEntryOut:
        assert entry.id is not None
        return cls(
            id=entry.id,
            kind=entry.kind.value,
            points=entry.points,
            created_at=entry.created_at,
            expires_at=entry.expires_at,
            remaining=entry.remaining,
            reverses_id=entry.reverses_id,
            reason=entry.reason,
            author=entry.author,
            order_id=entry.order_id,
        )


class LedgerPage(BaseModel):
    items: list[LedgerEntryOut] = Field(description="Newest first.")
    next_before_id: int | None = Field(
        description="Pass as `before_id` for the next (older) page; null on the last page.", examples=[31]
    )


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"points": -50, "reason": "duplicate bonus"}]})

    points: int = Field(
        strict=True,
        ge=-1_000_000,
        le=1_000_000,
        description="A credit (>0) or a debit (<0), never 0 (refused with the code invalid_amount).",
        json_schema_extra={"not": {"const": 0}},
    )
    reason: Text = Field(min_length=1, max_length=500)


class AdjustmentOut(BaseModel):
    entry: LedgerEntryOut
    balance: int
    duplicate: bool = Field(description="True when the Idempotency-Key was already used: nothing changed.")


class RedemptionIn(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"phone": "+7 916 123-45-67", "points": 300, "order_id": "R-1042", "amount": "4500.00"}
            ]
        }
    )

    phone: Phone
    points: int = Field(strict=True, gt=0, le=10_000_000)
    order_id: OrderId
    amount: Money = Field(description="The bill the points pay part of.")


class RedemptionOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 12,
                    "status": "pending",
                    "customer_id": 7,
                    "order_id": "R-1042",
                    "points": 300,
                    "amount": "4500.00",
                    "expires_at": "2026-11-22T07:10:00Z",
                    "attempts_left": 5,
                }
            ]
        }
    )

    id: int
    status: RedemptionStatus
    customer_id: int
    order_id: str
    points: int
    amount: str
    expires_at: datetime
    attempts_left: int

    @classmethod
    def of(cls, redemption: Redemption, max_attempts: int) -> RedemptionOut:
        assert redemption.id is not None
        return cls(
            id=redemption.id,
            status=redemption.status,
            customer_id=redemption.customer_id,
            order_id=redemption.order_id,
            points=redemption.points,
            amount=minor_to_money(redemption.bill_minor),
            expires_at=redemption.expires_at,
            attempts_left=max(0, max_attempts - redemption.attempts),
        )


class ConfirmIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"code": "042917"}]})

    code: str = Field(pattern=r"^[0-9]{6}$", description="The 6 digits the customer got in chat.")


class ConfirmOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"id": 12, "status": "confirmed", "points": 300, "balance": 120}]}
    )

    id: int
    status: RedemptionStatus
    points: int
    balance: int
