"""The consent history: every grant, withdrawal and channel join, appended, never overwritten.

The customer row holds the consent in force (for the fast checks); this log is the evidence: what was
agreed to, in which version of the document, through which channel, when, and when it was withdrawn.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass
from datetime import datetime

from domain.customers import Channel


class ConsentKind(enum.StrEnum):
    PERSONAL_DATA = "personal_data"
    MARKETING = "marketing"


@dataclass(kw_only=True)
class ConsentRecord:
    customer_id: int
    kind: ConsentKind
    granted: bool  # False: declined or withdrawn
    at: datetime
    channel: Channel | None = None  # None: at the desk, by the API, or by erasure
    document_version: str | None = None  # the personal-data document agreed to
    document_hash: str | None = None  # sha256 of its exact text, once the document has one
    id: int | None = None


class ConsentLog(abc.ABC):
    @abc.abstractmethod
    async def append(self, record: ConsentRecord) -> None:
        """Add one entry; entries are never changed."""

    @abc.abstractmethod
    async def of_customer(self, customer_id: int) -> list[ConsentRecord]:
        """The customer's consent history, oldest first."""
