"""Badges the members hold (issue 11): one row per member and badge, ever."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import BigId, UTCDateTime

customer_badges = sa.Table(
    "customer_badges",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("badge_key", sa.String(64), nullable=False),
    sa.Column("awarded_at", UTCDateTime, nullable=False),
    # awarded once: two events earning it at once insert one row (INSERT ... ON CONFLICT DO NOTHING)
    sa.UniqueConstraint("customer_id", "badge_key"),
)
