"""Referrals, the installation secret and the phones' keyed fingerprints (issue 11)."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import BigId, UTCDateTime

referrals = sa.Table(
    "referrals",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    # "friend:<id>" for the referral itself; "attempt:<friend>:<referrer>" for a refused later attempt
    sa.Column("source_key", sa.String(80), nullable=False, unique=True),
    sa.Column("referrer_id", BigId, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("friend_id", BigId, sa.ForeignKey("customers.id"), index=True),
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

installation_secrets = sa.Table(
    "installation_secrets",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("secret", sa.LargeBinary, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

# Never the phone: HMAC-SHA256 of it under the installation secret, and only what fraud checks need.
phone_marks = sa.Table(
    "phone_marks",
    metadata,
    sa.Column("fingerprint", sa.String(64), primary_key=True),
    sa.Column("first_seen_at", UTCDateTime, nullable=False),
    sa.Column("welcome_granted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("referred", sa.Boolean, nullable=False, server_default=sa.false()),
)
