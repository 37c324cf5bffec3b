"""issue 11 (referrals): referrals with their refusals, the installation secret, phone fingerprints

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTCDateTime = store.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "referrals",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("source_key", sa.String(80), nullable=False, unique=True),
        sa.Column("referrer_id", BigId, sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("friend_id", BigId, sa.ForeignKey("customers.id")),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("order_id", sa.String(64)),
        sa.Column("reward_entry_id", BigId, sa.ForeignKey("ledger_entries.id")),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("rewarded_at", UTCDateTime),
        sa.CheckConstraint(
            "status IN ('pending', 'rewarded', 'reversed', 'refused')", name="referral_status_known"
        ),
    )
    op.create_index("ix_referrals_referrer_id", "referrals", ["referrer_id"])
    op.create_index("ix_referrals_friend_id", "referrals", ["friend_id"])
    op.create_table(
        "installation_secrets",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("secret", sa.LargeBinary, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "phone_marks",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("first_seen_at", UTCDateTime, nullable=False),
        sa.Column("welcome_granted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("referred", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_table("phone_marks")
    op.drop_table("installation_secrets")
    op.drop_index("ix_referrals_friend_id", table_name="referrals")
    op.drop_index("ix_referrals_referrer_id", table_name="referrals")
    op.drop_table("referrals")
