"""Processed event ids, job runs and the outbox: the rows that make edges idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.outbox import OutboxMessage
from domain.ports import JobRunRepository, OutboxRepository, ProcessedEventRepository
from store.dialect import insert_ignore
from store.tables import job_runs, outbox, processed_events


def _inserted(result: Any) -> bool:
    return bool(result.rowcount == 1)


class SqlProcessedEventRepository(ProcessedEventRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, event_id: str, source: str, at: datetime) -> bool:
        stmt = insert_ignore(self._s, processed_events, ["event_id"]).values(
            event_id=event_id, source=source, processed_at=at
        )
        return _inserted(await self._s.execute(stmt))


class SqlJobRunRepository(JobRunRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, job: str, run_key: str, at: datetime) -> bool:
        stmt = insert_ignore(self._s, job_runs, ["job", "run_key"]).values(
            job=job, run_key=run_key, started_at=at
        )
        return _inserted(await self._s.execute(stmt))

    async def finish(self, job: str, run_key: str, at: datetime, detail: str) -> None:
        await self._s.execute(
            sa.update(job_runs)
            .where(job_runs.c.job == job, job_runs.c.run_key == run_key)
            .values(finished_at=at, detail=detail)
        )


class SqlOutboxRepository(OutboxRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, message: OutboxMessage) -> OutboxMessage:
        stmt = insert_ignore(self._s, outbox, ["dedupe_key"]).values(
            customer_id=message.customer_id,
            template=message.template,
            context=message.context,
            dedupe_key=message.dedupe_key,
            channel=message.channel,
            marketing=message.marketing,
            status=message.status.value,
            attempts=message.attempts,
            next_attempt_at=message.next_attempt_at,
            created_at=message.created_at,
        )
        await self._s.execute(stmt)
        message.id = await self._s.scalar(
            sa.select(outbox.c.id).where(outbox.c.dedupe_key == message.dedupe_key)
        )
        return message
