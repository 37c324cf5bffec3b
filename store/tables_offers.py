"""Personal offer codes (issue 11), on the shared metadata."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import BigId, UTCDateTime

offer_codes = sa.Table(
    "offer_codes",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("code", sa.String(9), nullable=False, unique=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("offer_key", sa.String(64), nullable=False),
    # the validity period: a new period (the offer's end moved, or the code term ran out) is a new code
    sa.Column("valid_until", sa.Date, nullable=False),
    sa.Column("issued_at", UTCDateTime, nullable=False),
    sa.Column("status", sa.String(8), nullable=False, server_default="issued"),
    sa.Column("used_at", UTCDateTime),
    sa.Column("used_by", sa.String(100)),
    sa.UniqueConstraint("customer_id", "offer_key", "valid_until"),
    sa.CheckConstraint("status IN ('issued', 'used')", name="status_known"),
)
