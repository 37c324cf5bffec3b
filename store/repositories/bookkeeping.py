"""Processed event ids, job runs and the outbox: the rows that make edges idempotent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.jobs import JobRun
from domain.outbox import OutboxMessage, OutboxStatus
from domain.ports import JobRunRepository, OutboxRepository, ProcessedEventRepository
from store.dialect import insert_ignore
from store.repositories import field_names, from_row
from store.tables import job_runs, outbox, processed_events

# what a new message stores; the rest is set as it is delivered
_NEW_MESSAGE = field_names(OutboxMessage, "id", "status", "sent_at", "error", "provider_message_id", "extra")


def _inserted(result: Any) -> bool:
    return bool(result.rowcount == 1)


class SqlProcessedEventRepository(ProcessedEventRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, event_id: str, source: str, at: datetime) -> bool:
        values = {"event_id": event_id, "source": source, "processed_at": at}
        return _inserted(await self._s.execute(insert_ignore(processed_events, ["event_id"], values)))

    async def seen(self, event_id: str) -> bool:
        query = sa.select(processed_events.c.event_id).where(processed_events.c.event_id == event_id)
        return (await self._s.execute(query)).first() is not None


class SqlJobRunRepository(JobRunRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, job: str, run_key: str, at: datetime) -> bool:
        values = {"job": job, "run_key": run_key, "started_at": at}
        return _inserted(await self._s.execute(insert_ignore(job_runs, ["job", "run_key"], values)))

    async def finish(self, job: str, run_key: str, at: datetime, detail: str) -> None:
        await self._s.execute(
            sa.update(job_runs)
            .where(job_runs.c.job == job, job_runs.c.run_key == run_key)
            .values(finished_at=at, detail=detail)
        )

    async def get(self, job: str, run_key: str) -> JobRun | None:
        row = (
            await self._s.execute(
                sa.select(job_runs).where(job_runs.c.job == job, job_runs.c.run_key == run_key)
            )
        ).first()
        return from_row(JobRun, row) if row is not None else None

    async def take_over(self, job: str, run_key: str, started_at: datetime, at: datetime) -> bool:
        result = await self._s.execute(
            sa.update(job_runs)
            .where(
                job_runs.c.job == job,
                job_runs.c.run_key == run_key,
                job_runs.c.finished_at.is_(None),
                job_runs.c.started_at == started_at,
            )
            .values(started_at=at)
        )
        return _inserted(result)

    async def release(self, job: str, run_key: str) -> None:
        await self._s.execute(
            sa.delete(job_runs).where(
                job_runs.c.job == job, job_runs.c.run_key == run_key, job_runs.c.finished_at.is_(None)
            )
        )


class SqlOutboxRepository(OutboxRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, message: OutboxMessage) -> OutboxMessage:
        values = {f: getattr(message, f) for f in _NEW_MESSAGE} | {"status": message.status.value}
        await self._s.execute(insert_ignore(outbox, ["dedupe_key"], values))
        message.id = await self._s.scalar(
            sa.select(outbox.c.id).where(outbox.c.dedupe_key == message.dedupe_key)
        )
        return message

    async def due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        rows = await self._s.execute(
            sa.select(outbox)
            .where(
                outbox.c.status == OutboxStatus.PENDING.value,
                sa.or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
            )
            .order_by(outbox.c.id)
            .limit(limit)
        )
        return [_message(r) for r in rows]

    async def lease(self, message_id: int, now: datetime, until: datetime) -> bool:
        result = await self._s.execute(
            sa.update(outbox)
            .where(
                outbox.c.id == message_id,
                outbox.c.status == OutboxStatus.PENDING.value,
                sa.or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
            )
            .values(next_attempt_at=until)
        )
        return _inserted(result)

    async def get(self, message_id: int) -> OutboxMessage | None:
        row = (await self._s.execute(sa.select(outbox).where(outbox.c.id == message_id))).first()
        return _message(row) if row else None

    async def save_result(self, message: OutboxMessage) -> None:
        await self._s.execute(
            sa.update(outbox)
            .where(outbox.c.id == message.id)
            .values(
                status=message.status.value,
                attempts=message.attempts,
                next_attempt_at=message.next_attempt_at,
                sent_at=message.sent_at,
                error=message.error,
                context=message.context,
                channel=message.channel,
                provider_message_id=message.provider_message_id,
            )
        )

    async def by_provider_id(self, provider_message_id: str) -> OutboxMessage | None:
        row = (
            await self._s.execute(
                sa.select(outbox).where(outbox.c.provider_message_id == provider_message_id)
            )
        ).first()
        return _message(row) if row else None

    async def forget_customer(self, customer_id: int) -> None:
        await self._s.execute(
            sa.update(outbox)
            .where(outbox.c.customer_id == customer_id, outbox.c.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.SKIPPED.value, error="customer deleted")
        )
        await self._s.execute(sa.update(outbox).where(outbox.c.customer_id == customer_id).values(context={}))


def _message(row: Any) -> OutboxMessage:
    return from_row(OutboxMessage, row, context=dict, status=OutboxStatus)
