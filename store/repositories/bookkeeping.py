"""Processed event ids, job runs and the outbox: the rows that make edges idempotent."""

from __future__ import annotations

import secrets
from collections.abc import Collection
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
from store.tables_whatsapp import whatsapp_message_statuses

# what a new message stores; the rest is set as it is delivered
_NEW_MESSAGE = field_names(OutboxMessage, "id", "status", "sent_at", "error", "provider_message_id", "extra")


def inserted(result: Any) -> bool:
    return bool(result.rowcount == 1)


class SqlProcessedEventRepository(ProcessedEventRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, event_id: str, source: str, at: datetime) -> bool:
        values = {"event_id": event_id, "source": source, "processed_at": at}
        return inserted(await self._s.execute(insert_ignore(processed_events, ["event_id"], values)))

    async def seen(self, event_id: str) -> bool:
        query = sa.select(processed_events.c.event_id).where(processed_events.c.event_id == event_id)
        return (await self._s.execute(query)).first() is not None


class SqlJobRunRepository(JobRunRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def claim(self, job: str, run_key: str, at: datetime) -> bool:
        values = {"job": job, "run_key": run_key, "started_at": at}
        return inserted(await self._s.execute(insert_ignore(job_runs, ["job", "run_key"], values)))

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
        return inserted(result)

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
        # a pending row always has a due time, so the due index is a plain range scan
        values["next_attempt_at"] = message.next_attempt_at or message.created_at
        await self._s.execute(insert_ignore(outbox, ["dedupe_key"], values))
        message.id = await self._s.scalar(
            sa.select(outbox.c.id).where(outbox.c.dedupe_key == message.dedupe_key)
        )
        return message

    async def due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        found: list[OutboxMessage] = []
        for marketing in (False, True):
            if len(found) < limit:
                rows = await self._s.execute(due_query(marketing, now, limit - len(found)))
                found += [_message(r) for r in rows]
        return found

    async def claim(
        self, now: datetime, limit: int, until: datetime, *, marketing_limit: int | None = None
    ) -> list[OutboxMessage]:
        # Two range scans of ix_outbox_due, transactional first: only due rows are read, however
        # many are pending for later. PostgreSQL locks what it reads and skips what another worker
        # is claiming; SQLite's write transaction (BEGIN IMMEDIATE) lets one claimer in at a time.
        claimed: list[OutboxMessage] = []
        postgres = self._s.get_bind().dialect.name == "postgresql"
        if postgres:
            await self._s.execute(sa.text(PREFER_INDEX_ORDER))
        for marketing in (False, True):
            room = limit - len(claimed)
            if marketing and marketing_limit is not None:
                room = min(room, marketing_limit)
            if room > 0:
                query = due_query(marketing, now, room).with_for_update(skip_locked=True)
                claimed += [_message(r) for r in await self._s.execute(query)]
        if postgres:
            await self._s.execute(sa.text("SET LOCAL enable_bitmapscan = on"))
        if claimed:
            # by primary key alone: the plan cannot depend on how many rows are pending
            await self._s.execute(
                sa.update(outbox)
                .where(outbox.c.id.in_([m.id for m in claimed]))
                .values(next_attempt_at=until)
            )
        for message in claimed:
            message.next_attempt_at = until
        return claimed

    async def finish(self, message: OutboxMessage, leased_until: datetime) -> bool:
        result = await self._s.execute(
            sa.update(outbox)
            .where(
                outbox.c.id == message.id,
                outbox.c.status == OutboxStatus.PENDING.value,
                outbox.c.next_attempt_at == leased_until,
            )
            .values(**_result_values(message))
        )
        return inserted(result)

    async def marketing_sent_since(self, customer_id: int, since: datetime) -> int:
        count = await self._s.scalar(
            sa.select(sa.func.count())
            .select_from(outbox)
            .where(
                outbox.c.customer_id == customer_id,
                outbox.c.marketing == sa.true(),
                outbox.c.status == OutboxStatus.SENT.value,
                outbox.c.sent_at >= since,
            )
        )
        return int(count or 0)

    async def marketing_sent_since_many(
        self, customer_ids: Collection[int], since: datetime
    ) -> dict[int, int]:
        counts = dict.fromkeys(customer_ids, 0)
        if not counts:
            return counts
        rows = await self._s.execute(
            sa.select(outbox.c.customer_id, sa.func.count())
            .where(
                outbox.c.customer_id.in_(list(counts)),
                outbox.c.marketing == sa.true(),
                outbox.c.status == OutboxStatus.SENT.value,
                outbox.c.sent_at >= since,
            )
            .group_by(outbox.c.customer_id)
        )
        counts.update({int(cid): int(n) for cid, n in rows})
        return counts

    async def get(self, message_id: int) -> OutboxMessage | None:
        row = (await self._s.execute(sa.select(outbox).where(outbox.c.id == message_id))).first()
        return _message(row) if row else None

    async def by_dedupe_key(self, dedupe_key: str) -> OutboxMessage | None:
        row = (await self._s.execute(sa.select(outbox).where(outbox.c.dedupe_key == dedupe_key))).first()
        return _message(row) if row else None

    async def save_result(self, message: OutboxMessage) -> None:
        await self._s.execute(
            sa.update(outbox).where(outbox.c.id == message.id).values(**_result_values(message))
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
            .values(status=OutboxStatus.SKIPPED.value, error="customer_deleted")
        )
        await self._s.execute(sa.update(outbox).where(outbox.c.customer_id == customer_id).values(context={}))
        sent = await self._s.execute(
            sa.select(outbox.c.id, outbox.c.provider_message_id).where(
                outbox.c.customer_id == customer_id, outbox.c.provider_message_id.is_not(None)
            )
        )
        for message_id, provider_id in sent.all():
            stand_in = erased_provider_id()
            await self._s.execute(
                sa.update(whatsapp_message_statuses)
                .where(whatsapp_message_statuses.c.message_sid == provider_id)
                .values(message_sid=stand_in)
            )
            await self._s.execute(
                sa.update(outbox).where(outbox.c.id == message_id).values(provider_message_id=stand_in)
            )


def erased_provider_id() -> str:
    """A random stand-in for an erased customer's provider message id: unique like the real one,
    pointing at nothing outside this database."""
    return f"erased:{secrets.token_hex(16)}"


# A fresh backlog (a campaign just enqueued) has no statistics yet: PostgreSQL then guesses a handful
# of due rows and reads them all through a bitmap scan to sort them (53 ms per batch at 100 000
# pending). Without bitmap scans the one plan left is the ordered walk of ix_outbox_due that stops
# after `limit` rows (0.1 ms), whatever the statistics say.
PREFER_INDEX_ORDER = "SET LOCAL enable_bitmapscan = off"


def due_query(marketing: bool, now: datetime, limit: int) -> sa.Select[Any]:
    """Served in order by the partial index ix_outbox_due (marketing, next_attempt_at, id) WHERE
    status = 'pending'. The status is a literal, not a parameter, so both planners can match the
    index's predicate."""
    return (
        sa.select(outbox)
        .where(
            sa.text("outbox.status = 'pending'"),
            outbox.c.marketing == (sa.true() if marketing else sa.false()),
            outbox.c.next_attempt_at <= now,
        )
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
    )


def _result_values(message: OutboxMessage) -> dict[str, Any]:
    return {
        "status": message.status.value,
        "attempts": message.attempts,
        "next_attempt_at": message.next_attempt_at,
        "sent_at": message.sent_at,
        "error": message.error,
        "context": message.context,
        "channel": message.channel,
        "provider_message_id": message.provider_message_id,
    }


def _message(row: Any) -> OutboxMessage:
    return from_row(OutboxMessage, row, context=dict, status=OutboxStatus)
