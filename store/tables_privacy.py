"""Data-subject requests answered outside the chat (issue 16): the audit trail of exports and erasures."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import BigId, UTCDateTime

data_requests = sa.Table(
    "data_requests",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    # the internal id, which after an erasure names nobody: the record outlives the data
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
)
