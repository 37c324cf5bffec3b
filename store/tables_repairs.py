"""Tables of the repair-events feature (issue 3), on the shared metadata."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import BigId, Points, UTCDateTime

redemptions = sa.Table(
    "redemptions",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("order_id", sa.String(64), nullable=False, index=True),
    sa.Column("points", Points, nullable=False),
    sa.Column("bill_minor", sa.BigInteger, nullable=False),
    sa.Column("code_hash", sa.String(128), nullable=False),
    sa.Column("code_salt", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("confirmed_at", UTCDateTime),
    sa.Column("spend_entry_id", BigId, sa.ForeignKey("ledger_entries.id"), unique=True),
    sa.Column("author", sa.String(100)),
    sa.CheckConstraint("points > 0", name="points_positive"),
)
