"""issue 11 (growth): post-repair feedback, one request per repair with its score and comment

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "repair_feedback",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", BigId, nullable=True),
        sa.Column("asked_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("answered_at", UTC, nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.Column("comment_closed_at", UTC, nullable=True),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 1 AND score <= 5)", name=op.f("ck_repair_feedback_score_range")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["repairs.order_id"], name=op.f("fk_repair_feedback_order_id_repairs")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_repair_feedback_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repair_feedback")),
        sa.UniqueConstraint("order_id", name=op.f("uq_repair_feedback_order_id")),
    )
    op.create_index(op.f("ix_repair_feedback_customer_id"), "repair_feedback", ["customer_id"])
    op.create_index(op.f("ix_repair_feedback_answered_at"), "repair_feedback", ["answered_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_repair_feedback_answered_at"), table_name="repair_feedback")
    op.drop_index(op.f("ix_repair_feedback_customer_id"), table_name="repair_feedback")
    op.drop_table("repair_feedback")
