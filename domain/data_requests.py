"""Data-subject requests made outside the chat: at the desk, by letter, by e-mail (152-FZ art. 14, 21).

Each export or erasure done for such a request is recorded: who at the shop did it, when, and why
(the request it answers). The record keeps the customer's internal id, which after erasure names
nobody, so the shop can show it answered without keeping what it erased.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError

REASON_MAX = 500


class ReasonRequired(DomainError):
    """A data request is answered only with its reason on record (whose request, how it came)."""

    code = "reason_required"


class DataRequestKind(enum.StrEnum):
    EXPORT = "export"
    ERASURE = "erasure"


@dataclass(kw_only=True)
class DataRequest:
    customer_id: int
    kind: DataRequestKind
    author: str
    reason: str
    at: datetime
    id: int | None = None


class DataRequestLog(abc.ABC):
    """Append-only: a request, once answered, stays on record."""

    @abc.abstractmethod
    async def record(self, request: DataRequest) -> DataRequest:
        """Store the request and return it with its id."""

    @abc.abstractmethod
    async def of_customer(self, customer_id: int) -> list[DataRequest]:
        """The customer's requests, oldest first."""
