"""issue 11 (growth): the badges members hold, one row per member and badge

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "customer_badges",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("badge_key", sa.String(length=64), nullable=False),
        sa.Column("awarded_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_customer_badges_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_badges")),
        sa.UniqueConstraint(
            "customer_id", "badge_key", name=op.f("uq_customer_badges_customer_id_badge_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("customer_badges")
