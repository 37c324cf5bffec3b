"""Post-repair feedback (issue 11): one request per repair, its score and optional comment."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import BigId, UTCDateTime

repair_feedback = sa.Table(
    "repair_feedback",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    # one request, so one answer, per repair: asked and answered once on any number of replicas
    sa.Column("order_id", sa.String(64), sa.ForeignKey("repairs.order_id"), nullable=False, unique=True),
    # NULL once the customer deleted their account: the anonymous score stays for CSAT
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), index=True),
    sa.Column("asked_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime, nullable=False),
    sa.Column("score", sa.SmallInteger),
    # the KPI report counts the answers of a period (docs/kpi.md, CSAT)
    sa.Column("answered_at", UTCDateTime, index=True),
    sa.Column("channel", sa.String(16)),
    sa.Column("comment", sa.String(1000)),
    sa.Column("comment_closed_at", UTCDateTime),
    sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="score_range"),
)
