"""issue 16 (personal data): the consent history, appended on every grant, withdrawal and channel join

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC = store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "consent_log",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("customer_id", BigId, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("granted", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("document_version", sa.String(length=32), nullable=True),
        sa.Column("document_hash", sa.String(length=64), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_consent_log_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_log")),
    )
    op.create_index(op.f("ix_consent_log_customer_id"), "consent_log", ["customer_id"])
    # what the customer rows say today becomes each member's first entry: the history starts complete
    op.execute(
        "INSERT INTO consent_log (customer_id, kind, granted, channel, document_version, at) "
        "SELECT id, 'personal_data', true, NULL, pd_policy_version, pd_consent_at FROM customers "
        "WHERE pd_consent_at IS NOT NULL AND deleted_at IS NULL"
    )
    op.execute(
        "INSERT INTO consent_log (customer_id, kind, granted, channel, document_version, at) "
        "SELECT id, 'marketing', marketing_opt_in, NULL, NULL, marketing_consent_at FROM customers "
        "WHERE marketing_consent_at IS NOT NULL AND deleted_at IS NULL"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_consent_log_customer_id"), table_name="consent_log")
    op.drop_table("consent_log")
