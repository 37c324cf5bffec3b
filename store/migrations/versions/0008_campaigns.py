"""issue 10 (campaigns): campaigns, their runs, each run's recipients, and the outbox row's run

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("filter", sa.JSON(), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("send_at", UTC, nullable=True),
        sa.Column("cron", sa.String(length=120), nullable=True),
        sa.Column("bonus_points", BigId, server_default="0", nullable=False),
        sa.Column("holdout_percent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("whatsapp_template", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("next_run_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("cancelled_at", UTC, nullable=True),
        sa.Column("author", sa.String(length=100), nullable=True),
        sa.CheckConstraint("bonus_points >= 0", name=op.f("ck_campaigns_bonus_not_negative")),
        sa.CheckConstraint(
            "holdout_percent >= 0 AND holdout_percent <= 50", name=op.f("ck_campaigns_holdout_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.create_index(
        "ix_campaigns_next_run_at",
        "campaigns",
        ["next_run_at"],
        sqlite_where=sa.text("next_run_at IS NOT NULL"),
        postgresql_where=sa.text("next_run_at IS NOT NULL"),
    )
    op.create_table(
        "campaign_runs",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("campaign_id", BigId, nullable=False),
        sa.Column("scheduled_for", UTC, nullable=False),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cursor", BigId, server_default="0", nullable=False),
        sa.Column("snapshot_done", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("recipients", sa.Integer(), server_default="0", nullable=False),
        sa.Column("holdout", sa.Integer(), server_default="0", nullable=False),
        sa.Column("finished_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_campaign_runs_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_runs")),
        sa.UniqueConstraint(
            "campaign_id", "scheduled_for", name=op.f("uq_campaign_runs_campaign_id_scheduled_for")
        ),
    )
    op.create_index(
        "ix_campaign_runs_open",
        "campaign_runs",
        ["id"],
        sqlite_where=sa.text("status = 'sending'"),
        postgresql_where=sa.text("status = 'sending'"),
    )
    op.create_table(
        "campaign_recipients",
        sa.Column("run_id", BigId, nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("holdout", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_campaign_recipients_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["campaign_runs.id"], name=op.f("fk_campaign_recipients_run_id_campaign_runs")
        ),
        sa.PrimaryKeyConstraint("run_id", "customer_id", name=op.f("pk_campaign_recipients")),
    )
    op.create_index("ix_campaign_recipients_customer_id", "campaign_recipients", ["customer_id"])
    op.add_column("outbox", sa.Column("campaign_run_id", BigId, nullable=True))
    op.create_index("ix_outbox_campaign_run_id_status", "outbox", ["campaign_run_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_outbox_campaign_run_id_status", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("campaign_run_id")
    op.drop_index("ix_campaign_recipients_customer_id", table_name="campaign_recipients")
    op.drop_table("campaign_recipients")
    op.drop_index("ix_campaign_runs_open", table_name="campaign_runs")
    op.drop_table("campaign_runs")
    op.drop_index("ix_campaigns_next_run_at", table_name="campaigns")
    op.drop_table("campaigns")
