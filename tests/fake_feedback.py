"""In-memory feedback requests (the port's contract, for unit tests on fakes)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from domain.customers import Channel
from domain.feedback import DueRepair, FeedbackRepository, FeedbackRequest


class FakeFeedback(FeedbackRepository):
    def __init__(self, store: Any) -> None:
        self.s = store

    async def ask(self, request: FeedbackRequest) -> bool:
        if any(r.order_id == request.order_id for r in self.s.feedback.values()):
            return False
        request.id = len(self.s.feedback) + 1
        self.s.feedback[request.id] = dataclasses.replace(request)
        return True

    async def get(self, feedback_id: int) -> FeedbackRequest | None:
        found = self.s.feedback.get(feedback_id)
        return dataclasses.replace(found) if found else None

    async def of_order(self, order_id: str) -> FeedbackRequest | None:
        return next(
            (dataclasses.replace(r) for r in self.s.feedback.values() if r.order_id == order_id), None
        )

    async def latest_of_customer(self, customer_id: int) -> FeedbackRequest | None:
        mine = [r for r in self.s.feedback.values() if r.customer_id == customer_id]
        return dataclasses.replace(max(mine, key=lambda r: (r.asked_at, r.id or 0))) if mine else None

    async def of_customer(self, customer_id: int) -> list[FeedbackRequest]:
        return [dataclasses.replace(r) for r in self.s.feedback.values() if r.customer_id == customer_id]

    async def answer(self, feedback_id: int, score: int, channel: Channel, at: datetime) -> bool:
        request = self.s.feedback.get(feedback_id)
        if request is None or request.score is not None:
            return False
        request.score, request.channel, request.answered_at = score, channel, at
        return True

    async def close_comment(self, feedback_id: int, comment: str | None, at: datetime) -> bool:
        request = self.s.feedback.get(feedback_id)
        if request is None or request.score is None or request.comment_closed_at is not None:
            return False
        request.comment, request.comment_closed_at = comment, at
        return True

    async def due(
        self, completed_from: datetime, completed_to: datetime, *, after_id: int, limit: int
    ) -> list[DueRepair]:
        raise NotImplementedError("the job is tested on the real stores")

    async def forget_customer(self, customer_id: int) -> None:
        for request in self.s.feedback.values():
            if request.customer_id == customer_id:
                request.customer_id, request.comment = None, None
