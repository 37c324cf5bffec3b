"""issue 4: Telegram

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_chat_states",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=200), nullable=True),
        sa.Column("data", sa.Text(), server_default="{}", nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_telegram_chat_states")),
    )
    op.create_index(
        op.f("ix_telegram_chat_states_updated_at"), "telegram_chat_states", ["updated_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_telegram_chat_states_updated_at"), table_name="telegram_chat_states")
    op.drop_table("telegram_chat_states")
