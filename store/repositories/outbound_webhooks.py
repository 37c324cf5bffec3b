"""Outbound webhooks: claimed under a lease by a conditional UPDATE, so two workers never hold one row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.outbound_webhooks import OutboundWebhook, OutboundWebhookRepository
from store.dialect import insert_ignore
from store.repositories import field_names, from_row
from store.repositories.bookkeeping import inserted
from store.tables_quotes import outbound_webhooks as t

_NEW = field_names(OutboundWebhook, "id", "payload")


def _webhook(row: Any) -> OutboundWebhook:
    return from_row(OutboundWebhook, row, payload=dict)


class SqlOutboundWebhookRepository(OutboundWebhookRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, webhook: OutboundWebhook) -> bool:
        values = {**{f: getattr(webhook, f) for f in _NEW}, "payload": dict(webhook.payload)}
        return inserted(await self._s.execute(insert_ignore(t, ["webhook_id"], values)))

    async def claim(self, now: datetime, limit: int, until: datetime) -> list[OutboundWebhook]:
        free = sa.or_(t.c.leased_until.is_(None), t.c.leased_until <= now)
        due = sa.and_(t.c.delivered_at.is_(None), t.c.next_attempt_at <= now, free)
        candidates = (
            await self._s.execute(
                sa.select(t.c.id).where(due).order_by(t.c.next_attempt_at, t.c.id).limit(limit)
            )
        ).scalars()
        claimed: list[OutboundWebhook] = []
        for webhook_id in list(candidates):
            # the condition again: another worker may have taken the row since the SELECT
            result = await self._s.execute(
                sa.update(t).where(t.c.id == webhook_id, due).values(leased_until=until).returning(*t.c)
            )
            row = result.first()
            if row is not None:
                claimed.append(_webhook(row))
        return claimed

    async def finish(self, webhook: OutboundWebhook, leased_until: datetime) -> bool:
        result = await self._s.execute(
            sa.update(t)
            .where(t.c.id == webhook.id, t.c.leased_until == leased_until, t.c.delivered_at.is_(None))
            .values(
                attempts=webhook.attempts,
                next_attempt_at=webhook.next_attempt_at,
                delivered_at=webhook.delivered_at,
                last_error=webhook.last_error,
                leased_until=None,
            )
        )
        return bool(getattr(result, "rowcount", 0))
