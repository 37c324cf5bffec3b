"""Personal offer codes: one per customer, offer and validity period, read out at the desk."""

from __future__ import annotations

import abc
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.errors import DomainError, NotFound
from domain.rules import Offer

# Capitals and digits without the look-alikes 0/O and 1/I: a code read over the desk is not misheard.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
HALF = 4
SHAPE = re.compile(rf"^[{ALPHABET}]{{{HALF}}}-[{ALPHABET}]{{{HALF}}}$")
SHAPE_PATTERN = rf"^[{ALPHABET}{ALPHABET.lower()}]{{{HALF}}}-[{ALPHABET}{ALPHABET.lower()}]{{{HALF}}}$"


class OfferCodeStatus(StrEnum):
    ISSUED = "issued"
    USED = "used"
    EXPIRED = "expired"  # never stored: an issued code past its last day reads as expired


@dataclass
class OfferCode:
    code: str
    customer_id: int
    offer_key: str
    valid_until: date  # the last day (shop time) the desk accepts it
    issued_at: datetime
    used: bool = False
    used_at: datetime | None = None
    used_by: str | None = None
    id: int | None = None

    def status(self, today: date) -> OfferCodeStatus:
        if self.used:
            return OfferCodeStatus.USED
        return OfferCodeStatus.EXPIRED if today > self.valid_until else OfferCodeStatus.ISSUED


class OfferCodeNotFound(NotFound):
    code = "offer_code_not_found"


class OfferCodeAlreadyUsed(DomainError):
    code = "offer_code_used"


class OfferCodeExpired(DomainError):
    code = "offer_code_expired"


def normalise(code: str) -> str | None:
    """The code in capitals, or None when it cannot be one of ours."""
    text = code.strip().upper()
    return text if SHAPE.match(text) else None


def new_code() -> str:
    pick = [secrets.choice(ALPHABET) for _ in range(2 * HALF)]
    return "".join(pick[:HALF]) + "-" + "".join(pick[HALF:])


def code_valid_until(offer: Offer, today: date, code_valid_days: int) -> date:
    """An offer with an end: its last day. Without one: the rules' code term from today."""
    if offer.valid_until is not None:
        return offer.valid_until
    return today + timedelta(days=code_valid_days - 1)


class OfferCodeRepository(abc.ABC):
    @abc.abstractmethod
    async def current(self, customer_id: int, offer_key: str, today: date) -> OfferCode | None:
        """The customer's code for the offer still valid today (the one with the latest end)."""

    @abc.abstractmethod
    async def issue(self, code: OfferCode) -> OfferCode:
        """Store a new code. If one for the same customer, offer and period exists (a concurrent
        first show), return that one; a clash of the code itself is retried with a new one."""

    @abc.abstractmethod
    async def get(self, code: str) -> OfferCode | None: ...

    @abc.abstractmethod
    async def mark_used(self, code: str, today: date, now: datetime, author: str) -> bool:
        """Issued and not past its day -> used, in one conditional update; False if it was not."""
