"""Tables of quote approval in chat (issue 12): a customer's answer, once per (order, quote)."""

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
