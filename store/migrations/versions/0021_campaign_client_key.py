"""issue 13 (/admin): a campaign remembers the key of the form that created it, so a double submit makes one

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("campaigns", sa.Column("client_key", sa.String(length=64), nullable=True))
    op.create_index(op.f("ix_campaigns_client_key"), "campaigns", ["client_key"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_campaigns_client_key"), table_name="campaigns")
    op.drop_column("campaigns", "client_key")
