"""issue 12 (quote approval): a customer's answer to a repair quote, once per (order, quote), and the
signed webhooks that tell the repair system, kept until it takes them

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "quote_answers",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("quote_fingerprint", sa.String(length=16), nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("answered_at", UTC, nullable=False),
        sa.CheckConstraint(
            "answer IN ('approved', 'declined', 'call_me')", name=op.f("ck_quote_answers_answer_known")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["repairs.order_id"], name=op.f("fk_quote_answers_order_id_repairs")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_quote_answers_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quote_answers")),
        sa.UniqueConstraint("order_id", "quote_fingerprint", name=op.f("uq_quote_answers_order_quote")),
    )
    op.create_index(op.f("ix_quote_answers_customer_id"), "quote_answers", ["customer_id"])
    op.create_table(
        "outbound_webhooks",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("webhook_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("delivered_at", UTC, nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("leased_until", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_webhooks")),
        sa.UniqueConstraint("webhook_id", name=op.f("uq_outbound_webhooks_webhook_id")),
    )
    op.create_index(
        "ix_outbound_webhooks_due",
        "outbound_webhooks",
        ["next_attempt_at"],
        sqlite_where=sa.text("delivered_at IS NULL"),
        postgresql_where=sa.text("delivered_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_outbound_webhooks_due", table_name="outbound_webhooks")
    op.drop_table("outbound_webhooks")
    op.drop_index(op.f("ix_quote_answers_customer_id"), table_name="quote_answers")
    op.drop_table("quote_answers")
