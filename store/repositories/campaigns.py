"""Campaigns, runs, recipient snapshots and the stats read from the run's outbox rows."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.campaigns import (
    Campaign,
    CampaignRepository,
    CampaignRun,
    CampaignRunStatus,
    CampaignStats,
    CampaignStatus,
    Recipient,
    WhatsAppTemplate,
)
from domain.outbox import OutboxMessage, OutboxStatus
from store.dialect import insert_ignore, insert_ignore_many, on_conflict_nothing
from store.repositories import field_names, from_row
from store.repositories.bookkeeping import inserted
from store.tables import outbox
from store.tables_campaigns import campaign_recipients, campaign_runs, campaigns
from store.tables_whatsapp import whatsapp_message_statuses
from store.types import BigId, UTCDateTime

_CAMPAIGN = field_names(Campaign, "id", "status", "whatsapp_template")
_RUN = field_names(CampaignRun, "id", "status")
DELIVERED = ("delivered", "read")


def _template_out(template: WhatsAppTemplate | None) -> dict[str, Any] | None:
    return None if template is None else {"sid": template.sid, "variables": list(template.variables)}


def _template_in(value: Any) -> WhatsAppTemplate | None:
    return None if not value else WhatsAppTemplate(value["sid"], tuple(value.get("variables", ())))


def _campaign(row: Any) -> Campaign:
    return from_row(
        Campaign,
        row,
        status=CampaignStatus,
        filter=dict,
        messages=dict,
        whatsapp_template=_template_in,
    )


def _run(row: Any) -> CampaignRun:
    return from_row(CampaignRun, row, status=CampaignRunStatus, snapshot_done=bool)


def _reason(error: str | None) -> str:
    """A skip's reason code: what comes before the first ': ' of the stored reason."""
    return (error or "unknown").split(": ", 1)[0]


class SqlCampaignRepository(CampaignRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, campaign: Campaign) -> Campaign:
        values = {f: getattr(campaign, f) for f in _CAMPAIGN}
        values |= {
            "status": campaign.status.value,
            "whatsapp_template": _template_out(campaign.whatsapp_template),
        }
        if campaign.client_key is None:
            result = await self._s.execute(sa.insert(campaigns).values(**values).returning(campaigns.c.id))
            campaign.id = result.scalar_one()
            return campaign
        # a second submit of the same form (a double click, a retry): the campaign the first one made
        await self._s.execute(insert_ignore(campaigns, ["client_key"], values))
        row = (
            await self._s.execute(sa.select(campaigns).where(campaigns.c.client_key == campaign.client_key))
        ).first()
        assert row is not None
        return _campaign(row)

    async def get(self, campaign_id: int, *, lock: bool = False) -> Campaign | None:
        stmt = sa.select(campaigns).where(campaigns.c.id == campaign_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self._s.execute(stmt)).first()
        return _campaign(row) if row else None

    async def update(self, campaign: Campaign) -> None:
        await self._s.execute(
            sa.update(campaigns)
            .where(campaigns.c.id == campaign.id)
            .values(
                status=campaign.status.value,
                next_run_at=campaign.next_run_at,
                cancelled_at=campaign.cancelled_at,
            )
        )

    async def page(self, *, before_id: int | None, limit: int) -> list[Campaign]:
        stmt = sa.select(campaigns).order_by(campaigns.c.id.desc()).limit(limit)
        if before_id is not None:
            stmt = stmt.where(campaigns.c.id < before_id)
        return [_campaign(r) for r in await self._s.execute(stmt)]

    async def due(self, now: datetime, limit: int) -> list[int]:
        stmt = (
            sa.select(campaigns.c.id)
            .where(campaigns.c.next_run_at.is_not(None), campaigns.c.next_run_at <= now)
            .order_by(campaigns.c.next_run_at, campaigns.c.id)
            .limit(limit)
        )
        return list((await self._s.scalars(stmt)).all())

    async def add_run(self, run: CampaignRun) -> CampaignRun | None:
        values = {f: getattr(run, f) for f in _RUN} | {"status": run.status.value}
        result = await self._s.execute(insert_ignore(campaign_runs, ["campaign_id", "scheduled_for"], values))
        if not inserted(result):  # ON CONFLICT DO NOTHING: the run exists
            return None
        run.id = await self._s.scalar(
            sa.select(campaign_runs.c.id).where(
                campaign_runs.c.campaign_id == run.campaign_id,
                campaign_runs.c.scheduled_for == run.scheduled_for,
            )
        )
        return run

    async def get_run(self, run_id: int, *, lock: bool = False) -> CampaignRun | None:
        stmt = sa.select(campaign_runs).where(campaign_runs.c.id == run_id)
        if lock:
            stmt = stmt.with_for_update()
        row = (await self._s.execute(stmt)).first()
        return _run(row) if row else None

    async def update_run(self, run: CampaignRun) -> None:
        await self._s.execute(
            sa.update(campaign_runs)
            .where(campaign_runs.c.id == run.id)
            .values(
                status=run.status.value,
                cursor=run.cursor,
                last_customer_id=run.last_customer_id,
                snapshot_done=run.snapshot_done,
                recipients=run.recipients,
                holdout=run.holdout,
                finished_at=run.finished_at,
            )
        )

    async def open_runs(self, limit: int) -> list[CampaignRun]:
        stmt = (
            sa.select(campaign_runs)
            .where(sa.text("campaign_runs.status = 'sending'"))  # a literal: the partial index matches
            # runs still taking their snapshot first: a backlog of runs waiting only for their
            # last messages (held by the quiet hours, say) never starves a new one
            .order_by(campaign_runs.c.snapshot_done, campaign_runs.c.id)
            .limit(limit)
        )
        return [_run(r) for r in await self._s.execute(stmt)]

    async def runs_of(self, campaign_id: int) -> list[CampaignRun]:
        stmt = (
            sa.select(campaign_runs)
            .where(campaign_runs.c.campaign_id == campaign_id)
            .order_by(campaign_runs.c.id)
        )
        return [_run(r) for r in await self._s.execute(stmt)]

    async def add_recipients(self, run_id: int, recipients: list[Recipient], message: OutboxMessage) -> None:
        if not recipients:
            return
        rows = [{"run_id": run_id, "customer_id": r.customer_id, "holdout": r.holdout} for r in recipients]
        await self._s.execute(insert_ignore_many(campaign_recipients, ["run_id", "customer_id"]), rows)
        # The page's outbox rows in one INSERT ... SELECT from the rows just recorded: the same
        # values for all but the customer and the key, so nothing is bound (or JSON-encoded) per row.
        r = campaign_recipients.c
        page = sa.select(
            r.customer_id,
            sa.literal(message.template),
            sa.literal(message.context, sa.JSON),
            sa.literal(message.dedupe_key) + sa.cast(r.customer_id, sa.String),
            sa.literal(message.marketing),
            sa.literal(OutboxStatus.PENDING.value),
            sa.literal(message.created_at, UTCDateTime),
            sa.literal(message.next_attempt_at or message.created_at, UTCDateTime),
            sa.literal(run_id, BigId),
        ).where(
            r.run_id == run_id,
            r.holdout.is_(False),
            r.customer_id.between(recipients[0].customer_id, recipients[-1].customer_id),
        )
        columns = [
            "customer_id",
            "template",
            "context",
            "dedupe_key",
            "marketing",
            "status",
            "created_at",
            "next_attempt_at",
            "campaign_run_id",
        ]
        insert = sa.insert(outbox).from_select(columns, page)
        insert._post_values_clause = on_conflict_nothing(["dedupe_key"])
        await self._s.execute(insert)

    async def pending_messages(self, run_id: int) -> int:
        count = await self._s.scalar(
            sa.select(sa.func.count())
            .select_from(outbox)
            .where(outbox.c.campaign_run_id == run_id, outbox.c.status == OutboxStatus.PENDING.value)
        )
        return int(count or 0)

    async def skip_pending(self, campaign_id: int, reason: str) -> int:
        runs = sa.select(campaign_runs.c.id).where(campaign_runs.c.campaign_id == campaign_id)
        result = await self._s.execute(
            sa.update(outbox)
            .where(outbox.c.campaign_run_id.in_(runs), outbox.c.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.SKIPPED.value, error=reason, next_attempt_at=None)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def stats(self, campaign_id: int) -> CampaignStats:
        runs = (
            await self._s.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(campaign_runs.c.recipients), 0),
                    sa.func.coalesce(sa.func.sum(campaign_runs.c.holdout), 0),
                ).where(campaign_runs.c.campaign_id == campaign_id)
            )
        ).one()
        run_ids = sa.select(campaign_runs.c.id).where(campaign_runs.c.campaign_id == campaign_id)
        delivered = sa.func.sum(sa.case((whatsapp_message_statuses.c.status.in_(DELIVERED), 1), else_=0))
        rows = await self._s.execute(
            sa.select(outbox.c.status, outbox.c.error, sa.func.count(), delivered)
            .select_from(
                outbox.outerjoin(
                    whatsapp_message_statuses,
                    whatsapp_message_statuses.c.message_sid == outbox.c.provider_message_id,
                )
            )
            .where(outbox.c.campaign_run_id.in_(run_ids))
            .group_by(outbox.c.status, outbox.c.error)
        )
        counts: Counter[str] = Counter()
        skipped: Counter[str] = Counter()
        confirmed = 0
        for status, error, count, delivered_count in rows:
            counts[status] += int(count)
            confirmed += int(delivered_count or 0)
            if status == OutboxStatus.SKIPPED.value:
                skipped[_reason(error)] += int(count)
        return CampaignStats(
            recipients=int(runs[1]),
            holdout=int(runs[2]),
            sent=counts[OutboxStatus.SENT.value],
            delivered=confirmed,
            failed=counts[OutboxStatus.FAILED.value],
            pending=counts[OutboxStatus.PENDING.value],
            skipped=dict(sorted(skipped.items())),
            runs=int(runs[0]),
        )
