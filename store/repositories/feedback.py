"""Post-repair feedback requests: asked once per repair, answered once, comment once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customers import Channel
from domain.feedback import DueRepair, FeedbackRepository, FeedbackRequest
from domain.repairs import RepairStatus
from store.dialect import insert_ignore
from store.repositories import from_row
from store.repositories.bookkeeping import inserted
from store.tables import customers, repairs
from store.tables_feedback import repair_feedback

f = repair_feedback.c


def _channel(value: str | None) -> Channel | None:
    return Channel(value) if value else None


def _request(row: Any) -> FeedbackRequest:
    return from_row(FeedbackRequest, row, channel=_channel)


class SqlFeedbackRepository(FeedbackRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def ask(self, request: FeedbackRequest) -> bool:
        values = {
            "order_id": request.order_id,
            "customer_id": request.customer_id,
            "asked_at": request.asked_at,
            "expires_at": request.expires_at,
        }
        if not inserted(await self._s.execute(insert_ignore(repair_feedback, ["order_id"], values))):
            return False
        request.id = await self._s.scalar(sa.select(f.id).where(f.order_id == request.order_id))
        return True

    async def get(self, feedback_id: int) -> FeedbackRequest | None:
        row = (await self._s.execute(sa.select(repair_feedback).where(f.id == feedback_id))).first()
        return _request(row) if row else None

    async def of_order(self, order_id: str) -> FeedbackRequest | None:
        row = (await self._s.execute(sa.select(repair_feedback).where(f.order_id == order_id))).first()
        return _request(row) if row else None

    async def latest_of_customer(self, customer_id: int) -> FeedbackRequest | None:
        query = (
            sa.select(repair_feedback)
            .where(f.customer_id == customer_id)
            .order_by(f.asked_at.desc(), f.id.desc())
            .limit(1)
        )
        row = (await self._s.execute(query)).first()
        return _request(row) if row else None

    async def of_customer(self, customer_id: int) -> list[FeedbackRequest]:
        query = sa.select(repair_feedback).where(f.customer_id == customer_id).order_by(f.id)
        return [_request(r) for r in await self._s.execute(query)]

    async def answer(self, feedback_id: int, score: int, channel: Channel, at: datetime) -> bool:
        result = await self._s.execute(
            sa.update(repair_feedback)
            .where(f.id == feedback_id, f.score.is_(None))
            .values(score=score, channel=channel.value, answered_at=at)
        )
        return inserted(result)

    async def close_comment(self, feedback_id: int, comment: str | None, at: datetime) -> bool:
        result = await self._s.execute(
            sa.update(repair_feedback)
            .where(f.id == feedback_id, f.score.is_not(None), f.comment_closed_at.is_(None))
            .values(comment=comment, comment_closed_at=at)
        )
        return inserted(result)

    async def due(
        self, completed_from: datetime, completed_to: datetime, *, after_id: int, limit: int
    ) -> list[DueRepair]:
        r, c = repairs.c, customers.c
        asked = sa.select(f.id).where(f.order_id == r.order_id).exists()
        query = (
            sa.select(r.id, r.order_id, r.customer_id)
            .select_from(repairs.join(customers, c.id == r.customer_id))
            .where(r.status == RepairStatus.COMPLETED.value)
            .where(r.completed_at >= completed_from, r.completed_at < completed_to)
            .where(c.deleted_at.is_(None), c.pd_consent_at.is_not(None))
            .where(r.id > after_id, ~asked)
            .order_by(r.id)
            .limit(limit)
        )
        return [DueRepair(int(i), order, int(cid)) for i, order, cid in await self._s.execute(query)]

    async def forget_customer(self, customer_id: int) -> None:
        await self._s.execute(
            sa.update(repair_feedback)
            .where(f.customer_id == customer_id)
            .values(customer_id=None, comment=None)
        )
