"""issue 5: WhatsApp

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_dialogues",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_whatsapp_dialogues")),
    )
    op.create_index(
        op.f("ix_whatsapp_dialogues_updated_at"), "whatsapp_dialogues", ["updated_at"], unique=False
    )
    op.create_table(
        "whatsapp_message_statuses",
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_sid", name=op.f("pk_whatsapp_message_statuses")),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_message_statuses")
    op.drop_index(op.f("ix_whatsapp_dialogues_updated_at"), table_name="whatsapp_dialogues")
    op.drop_table("whatsapp_dialogues")
