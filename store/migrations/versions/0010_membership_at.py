"""issue 10 (Telegram block and unblock): when the last block or unblock happened, by the platform's clock

`my_chat_member` updates can arrive out of order (webhook deliveries run in parallel): a late
`kicked` must not undo a newer unblock, nor a late `member` a newer block.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "channel_identities",
        sa.Column("membership_at", store.types.UTCDateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("channel_identities") as batch:
        batch.drop_column("membership_at")
