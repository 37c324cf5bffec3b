"""issue 12 (quote approval): a customer's answer to a repair quote, once per (order, quote)

Revision ID: 0020
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0020"
down_revision = "0013"
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


def downgrade() -> None:
    op.drop_index(op.f("ix_quote_answers_customer_id"), table_name="quote_answers")
    op.drop_table("quote_answers")
