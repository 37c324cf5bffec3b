"""issue 16 (personal data): the audit trail of exports and erasures asked for outside the chat

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "data_requests",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_data_requests_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_requests")),
    )
    op.create_index(op.f("ix_data_requests_customer_id"), "data_requests", ["customer_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_data_requests_customer_id"), table_name="data_requests")
    op.drop_table("data_requests")
