"""Tables of the WhatsApp feature (issue 5), on the shared metadata."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import UTCDateTime

# One row per conversation in progress (registration steps, a pending deletion). The key is an
# HMAC-SHA256 of the sender's WaId, never the number itself: nothing personal is kept before consent.
whatsapp_dialogues = sa.Table(
    "whatsapp_dialogues",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("step", sa.String(32), nullable=False),
    sa.Column("locale", sa.String(8), nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False, index=True),
)

# The latest delivery status Twilio reported for each message we sent (replies and outbox
# deliveries alike); callbacks arrive out of order, so a later stage is never overwritten.
whatsapp_message_statuses = sa.Table(
    "whatsapp_message_statuses",
    metadata,
    sa.Column("message_sid", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error_code", sa.Integer),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)
