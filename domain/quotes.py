"""A customer's answer to a repair quote, as kept: one per (order, quote fingerprint)."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.customers import Channel


class Answer(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    CALL_ME = "call_me"


@dataclass(frozen=True)
class QuoteAnswerRecord:
    order_id: str
    quote_fingerprint: str
    customer_id: int
    answer: Answer
    channel: Channel
    answered_at: datetime
    id: int | None = None


class QuoteAnswerRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, record: QuoteAnswerRecord) -> bool:
        """Keep the answer; False (and nothing written) when this order's quote already has one."""

    @abc.abstractmethod
    async def get(self, order_id: str, fingerprint: str) -> QuoteAnswerRecord | None: ...
