"""Tables of quote approval in chat (issue 12): the answers, and the webhooks that report them."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import BigId, UTCDateTime

quote_answers = sa.Table(
    "quote_answers",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.String(64), sa.ForeignKey("repairs.order_id"), nullable=False),
    sa.Column("quote_fingerprint", sa.String(16), nullable=False),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("answer", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("answered_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("order_id", "quote_fingerprint", name="uq_quote_answers_order_quote"),
    sa.CheckConstraint("answer IN ('approved', 'declined', 'call_me')", name="answer_known"),
)

# What the repair system is to be told (domain/outbound_webhooks.py), kept until it answers 2xx.
outbound_webhooks = sa.Table(
    "outbound_webhooks",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("webhook_id", sa.String(64), nullable=False, unique=True),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("delivered_at", UTCDateTime),
    sa.Column("last_error", sa.String(500)),
    sa.Column("leased_until", UTCDateTime),
    sa.Index(
        "ix_outbound_webhooks_due",
        "next_attempt_at",
        sqlite_where=sa.text("delivered_at IS NULL"),
        postgresql_where=sa.text("delivered_at IS NULL"),
    ),
)
