"""Tables of the Telegram feature (issue 4), on the shared metadata."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import metadata
from store.types import UTCDateTime

# aiogram's FSM (the registration dialogue) kept in the database, so a restart does not lose it.
# `data` is JSON text rather than a JSON column: "no data" must be comparable on both databases.
telegram_chat_states = sa.Table(
    "telegram_chat_states",
    metadata,
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("state", sa.String(200)),
    sa.Column("data", sa.Text, nullable=False, server_default="{}"),
    sa.Column("updated_at", UTCDateTime, nullable=False, index=True),
)
