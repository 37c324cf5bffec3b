"""Desk redemptions: the desk asks, the customer gets a one-time code in chat, the desk enters it."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from domain.errors import DomainError, NotFound
from domain.rules import RedemptionRules

CODE_DIGITS = 6
# A 6-digit code has only a million values; a slow salted hash keeps a copied table from
# giving the live codes away in a blink (they expire in minutes anyway).
_HASH_ITERATIONS = 60_000


class RedemptionStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    LOCKED = "locked"
    EXPIRED = "expired"


@dataclass
class Redemption:
    customer_id: int
    order_id: str
    points: int
    bill_minor: int
    code_hash: str
    code_salt: str
    status: RedemptionStatus
    created_at: datetime
    expires_at: datetime
    attempts: int = 0
    confirmed_at: datetime | None = None
    spend_entry_id: int | None = None
    author: str | None = None
    id: int | None = None


class RedemptionNotFound(NotFound):
    code = "redemption_not_found"


class BillShareExceeded(DomainError):
    code = "bill_share_exceeded"

    def __init__(self, requested: int, allowed: int) -> None:
        super().__init__(f"requested {requested} points, at most {allowed} may pay this bill")
        self.requested = requested
        self.allowed = allowed


class OrderClosed(DomainError):
    """The order is already completed or cancelled: its bill can no longer be paid with points."""

    code = "order_closed"


class OrderOfAnotherCustomer(DomainError):
    code = "order_of_another_customer"


class UnknownOrder(DomainError):
    """The repair system has not told us about this order: nobody can say whose bill it is."""

    code = "unknown_order"


class BillMismatch(DomainError):
    """Every redemption of one order pays part of the same bill."""

    code = "bill_mismatch"

    def __init__(self, order_id: str, bill_minor: int) -> None:
        super().__init__(f"order {order_id} is already being paid against a different bill")
        self.bill_minor = bill_minor


class NoChatChannel(DomainError):
    """The customer has no chat the code could reach."""

    code = "no_chat_channel"


class RedemptionAlreadyUsed(DomainError):
    code = "redemption_already_used"


class RedemptionLocked(DomainError):
    code = "redemption_locked"


class CodeExpired(DomainError):
    code = "code_expired"


class WrongCode(DomainError):
    code = "wrong_code"

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"wrong code, {attempts_left} attempts left")
        self.attempts_left = attempts_left


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_salt() -> str:
    return secrets.token_hex(16)


def hash_code(code: str, salt: str) -> str:
    digest = hashlib.pbkdf2_hmac("sha256", code.encode(), bytes.fromhex(salt), _HASH_ITERATIONS)
    return digest.hex()


def code_matches(redemption: Redemption, code: str) -> bool:
    return hmac.compare_digest(hash_code(code, redemption.code_salt), redemption.code_hash)


def max_points_for_bill(rules: RedemptionRules, bill_minor: int) -> int:
    """Points may pay at most `max_bill_share` of the bill; 1 point is worth `minor_per_point`."""
    share = Decimal(bill_minor) * rules.max_bill_share / rules.minor_per_point
    return int(share.to_integral_value(rounding=ROUND_FLOOR))
