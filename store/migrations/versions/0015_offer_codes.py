"""issue 11 (offers): personal offer codes the desk checks and marks used once

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "offer_codes",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=9), nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("offer_key", sa.String(length=64), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("issued_at", UTC, nullable=False),
        sa.Column("status", sa.String(length=8), server_default="issued", nullable=False),
        sa.Column("used_at", UTC, nullable=True),
        sa.Column("used_by", sa.String(length=100), nullable=True),
        sa.CheckConstraint("status IN ('issued', 'used')", name=op.f("ck_offer_codes_status_known")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_offer_codes_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_offer_codes_code")),
        sa.UniqueConstraint(
            "customer_id",
            "offer_key",
            "valid_until",
            name=op.f("uq_offer_codes_customer_id_offer_key_valid_until"),
        ),
    )


def downgrade() -> None:
    op.drop_table("offer_codes")
