from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customers import Channel
from domain.quotes import Answer, QuoteAnswerRecord, QuoteAnswerRepository
from store.dialect import insert_ignore
from store.repositories import from_row
from store.repositories.bookkeeping import inserted
from store.tables_quotes import quote_answers


def _record(row: Any) -> QuoteAnswerRecord:
    return from_row(QuoteAnswerRecord, row, answer=Answer, channel=Channel)


class SqlQuoteAnswerRepository(QuoteAnswerRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, record: QuoteAnswerRecord) -> bool:
        values = {
            "order_id": record.order_id,
            "quote_fingerprint": record.quote_fingerprint,
            "customer_id": record.customer_id,
            "answer": record.answer.value,
            "channel": record.channel.value,
            "answered_at": record.answered_at,
        }
        statement = insert_ignore(quote_answers, ["order_id", "quote_fingerprint"], values)
        return inserted(await self._s.execute(statement))

    async def get(self, order_id: str, fingerprint: str) -> QuoteAnswerRecord | None:
        query = sa.select(quote_answers).where(
            quote_answers.c.order_id == order_id, quote_answers.c.quote_fingerprint == fingerprint
        )
        row = (await self._s.execute(query)).first()
        return _record(row) if row else None
