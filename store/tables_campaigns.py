"""Campaigns, their runs and each run's recipient snapshot (issue 10), on the shared metadata."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata, outbox
from store.types import BigId, Points, UTCDateTime

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("filter", sa.JSON, nullable=False),
    sa.Column("messages", sa.JSON, nullable=False),
    sa.Column("send_at", UTCDateTime),
    sa.Column("cron", sa.String(120)),
    sa.Column("bonus_points", Points, nullable=False, server_default="0"),
    sa.Column("holdout_percent", sa.Integer, nullable=False, server_default="0"),
    sa.Column("whatsapp_template", sa.JSON),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("next_run_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("cancelled_at", UTCDateTime),
    sa.Column("author", sa.String(100)),
    sa.Column("client_key", sa.String(64)),
    sa.CheckConstraint("bonus_points >= 0", name="bonus_not_negative"),
    # one campaign per creating form: a unique index (SQLite adds it without rebuilding the table)
    sa.Index("ix_campaigns_client_key", "client_key", unique=True),
    sa.CheckConstraint("holdout_percent >= 0 AND holdout_percent <= 50", name="holdout_range"),
    # the campaigns job asks "whose next run is due": only live campaigns have one
    sa.Index(
        "ix_campaigns_next_run_at",
        "next_run_at",
        sqlite_where=sa.text("next_run_at IS NOT NULL"),
        postgresql_where=sa.text("next_run_at IS NOT NULL"),
    ),
)

campaign_runs = sa.Table(
    "campaign_runs",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("campaign_id", BigId, sa.ForeignKey("campaigns.id"), nullable=False),
    sa.Column("scheduled_for", UTCDateTime, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("cursor", BigId, nullable=False, server_default="0"),
    sa.Column("last_customer_id", BigId, nullable=False, server_default="0"),
    sa.Column("snapshot_done", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("recipients", sa.Integer, nullable=False, server_default="0"),
    sa.Column("holdout", sa.Integer, nullable=False, server_default="0"),
    sa.Column("finished_at", UTCDateTime),
    # one run per occurrence: two replicas starting the same occurrence make one run
    sa.UniqueConstraint("campaign_id", "scheduled_for"),
    sa.Index(
        "ix_campaign_runs_open",
        "id",
        sqlite_where=sa.text("status = 'sending'"),
        postgresql_where=sa.text("status = 'sending'"),
    ),
)

campaign_recipients = sa.Table(
    "campaign_recipients",
    metadata,
    sa.Column("run_id", BigId, sa.ForeignKey("campaign_runs.id"), primary_key=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("holdout", sa.Boolean, nullable=False),
    # what a customer was sent or held back from, for the lift of the KPI issue
    sa.Index("ix_campaign_recipients_customer_id", "customer_id"),
)

# A run's stats and "is anything of this run still pending" read the outbox by run.
ix_outbox_campaign_run = sa.Index(
    "ix_outbox_campaign_run_id_status", outbox.c.campaign_run_id, outbox.c.status
)
