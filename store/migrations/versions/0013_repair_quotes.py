"""issue 12 (quote approval): the quote a waiting_approval event asks the customer to approve

A repair keeps the latest quote of its repair system (amount and a line of text), so the "waiting
for your approval" message can show it. Both columns are empty for every order before this.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("repairs", sa.Column("quote_amount_minor", sa.BigInteger))
    op.add_column("repairs", sa.Column("quote_text", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("repairs") as batch:
        batch.drop_column("quote_text")
        batch.drop_column("quote_amount_minor")
