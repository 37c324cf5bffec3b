"""Campaign results in SQL: who was chosen, reached and held back, and what each side repaired
within the attribution window: from its own delivery for a reached recipient, from the run's
start for a held-out member (who was never sent anything)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domain.ledger import EntryKind
from domain.outbox import OutboxStatus
from domain.reports import GroupOutcome, HoldoutFigures, KpiPeriod
from store.queries.kpi_sql import COMPLETED, AddDays, count_if
from store.tables import ledger_entries, outbox, repairs
from store.tables_campaigns import campaign_recipients, campaign_runs, campaigns

rec, runs, o, r = campaign_recipients.c, campaign_runs.c, outbox.c, repairs.c
SENT = OutboxStatus.SENT.value


@dataclass(frozen=True)
class RunOutcome:
    reached: GroupOutcome
    held_out: GroupOutcome


def _message_of_recipient() -> ColumnElement[bool]:
    return sa.and_(o.campaign_run_id == rec.run_id, o.customer_id == rec.customer_id, o.status == SENT)


def _within(anchor: ColumnElement[object], days: int) -> ColumnElement[bool]:
    return sa.and_(
        r.customer_id == rec.customer_id,
        r.status == COMPLETED,
        r.completed_at > anchor,
        r.completed_at <= AddDays(anchor, days),
    )


async def outcomes_by_run(
    session: AsyncSession, chosen_runs: ColumnElement[bool], days: int
) -> dict[int, RunOutcome]:
    """Per run of `chosen_runs` (a condition on campaign_runs): the reached recipients and the
    holdout, each with their repairs and revenue within `days` of their anchor. Two queries."""
    reached = await session.execute(
        sa.select(
            rec.run_id,
            sa.func.count(sa.distinct(rec.customer_id)),
            sa.func.count(r.id),
            sa.func.coalesce(sa.func.sum(r.amount_minor), 0),
        )
        .select_from(
            campaign_recipients.join(campaign_runs, runs.id == rec.run_id)
            .join(outbox, _message_of_recipient())
            .outerjoin(repairs, _within(o.sent_at, days))
        )
        .where(chosen_runs, rec.holdout.is_(False))
        .group_by(rec.run_id)
    )
    held = await session.execute(
        sa.select(
            rec.run_id,
            sa.func.count(sa.distinct(rec.customer_id)),
            sa.func.count(r.id),
            sa.func.coalesce(sa.func.sum(r.amount_minor), 0),
        )
        .select_from(
            campaign_recipients.join(campaign_runs, runs.id == rec.run_id).outerjoin(
                repairs, _within(runs.started_at, days)
            )
        )
        .where(chosen_runs, rec.holdout.is_(True))
        .group_by(rec.run_id)
    )
    nobody = GroupOutcome(0, 0, 0)
    sides: dict[int, dict[str, GroupOutcome]] = {}
    for side, rows in (("reached", reached), ("held_out", held)):
        for run_id, customers, count, revenue in rows:
            sides.setdefault(int(run_id), {})[side] = GroupOutcome(int(customers), int(count), int(revenue))
    return {
        run_id: RunOutcome(found.get("reached", nobody), found.get("held_out", nobody))
        for run_id, found in sides.items()
    }


def total(outcomes: list[GroupOutcome]) -> GroupOutcome:
    return GroupOutcome(
        sum(g.customers for g in outcomes),
        sum(g.repairs for g in outcomes),
        sum(g.revenue_minor for g in outcomes),
    )


async def holdout_figures(session: AsyncSession, period: KpiPeriod, days: int) -> HoldoutFigures:
    """The runs started in the period with a holdout: the reached recipients' revenue above what
    the same number of held-out members brought, run by run."""
    in_period = sa.and_(runs.started_at >= period.start, runs.started_at < period.end, runs.holdout > 0)
    outcomes = await outcomes_by_run(session, in_period, days)
    incremental, counted = 0, 0
    for outcome in outcomes.values():
        reached, held = outcome.reached, outcome.held_out
        per_reached, per_held = reached.revenue_per_customer_minor, held.revenue_per_customer_minor
        if per_reached is None or per_held is None:
            continue
        incremental += (per_reached - per_held) * reached.customers
        counted += 1
    return HoldoutFigures(runs=counted, incremental_revenue_minor=incremental)


@dataclass(frozen=True)
class CampaignCounts:
    runs: int
    recipients: int
    holdout: int
    sent_by_channel: dict[str, int]
    bonus_points: int


async def campaign_counts(session: AsyncSession, campaign_id: int) -> CampaignCounts | None:
    exists = await session.execute(sa.select(campaigns.c.id).where(campaigns.c.id == campaign_id))
    if exists.scalar_one_or_none() is None:
        return None
    of_campaign = runs.campaign_id == campaign_id
    chosen = (
        await session.execute(
            sa.select(
                count_if(rec.holdout.is_(False)),
                count_if(rec.holdout.is_(True)),
            )
            .select_from(campaign_recipients.join(campaign_runs, runs.id == rec.run_id))
            .where(of_campaign)
        )
    ).one()
    run_count = (
        await session.execute(sa.select(sa.func.count()).select_from(campaign_runs).where(of_campaign))
    ).scalar_one()
    sent = await session.execute(
        sa.select(o.channel, sa.func.count())
        .select_from(outbox.join(campaign_runs, runs.id == o.campaign_run_id))
        .where(of_campaign, o.status == SENT)
        .group_by(o.channel)
    )
    # the bonus a recipient is credited carries the source key campaign:<run>:<customer>
    key = sa.literal("campaign:", sa.String) + sa.cast(rec.run_id, sa.String) + sa.literal(":", sa.String)
    bonus = (
        await session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(ledger_entries.c.points), 0))
            .select_from(
                campaign_recipients.join(campaign_runs, runs.id == rec.run_id).join(
                    ledger_entries,
                    sa.and_(
                        ledger_entries.c.customer_id == rec.customer_id,
                        ledger_entries.c.kind == EntryKind.CAMPAIGN.value,
                        ledger_entries.c.source_key == key + sa.cast(rec.customer_id, sa.String),
                    ),
                )
            )
            .where(of_campaign)
        )
    ).scalar_one()
    return CampaignCounts(
        runs=int(run_count),
        recipients=int(chosen[0]),
        holdout=int(chosen[1]),
        sent_by_channel={str(channel): int(n) for channel, n in sent if channel is not None},
        bonus_points=int(bonus),
    )
