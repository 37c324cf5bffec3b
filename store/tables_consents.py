"""The consent history (issue 16): one row per grant, withdrawal or channel join."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import BigId, UTCDateTime

consent_log = sa.Table(
    "consent_log",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("granted", sa.Boolean, nullable=False),
    sa.Column("channel", sa.String(16)),
    sa.Column("document_version", sa.String(32)),
    sa.Column("document_hash", sa.String(64)),
    sa.Column("at", UTCDateTime, nullable=False),
)
