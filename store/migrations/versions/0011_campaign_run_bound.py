"""issue 10 (campaigns): a run's snapshot ends at the highest customer id when the run started

The snapshot is taken in ranges of customer ids (a page's cost bounded by its span, whatever the
planner believes) up to `last_customer_id`. A run that was taking its snapshot when this is applied
gets today's highest id, so it finishes the snapshot it began instead of stopping at 0.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("campaign_runs", sa.Column("last_customer_id", BigId, server_default="0", nullable=False))
    op.execute(
        "UPDATE campaign_runs SET last_customer_id = (SELECT coalesce(max(id), 0) FROM customers)"
        " WHERE snapshot_done = false"
    )


def downgrade() -> None:
    with op.batch_alter_table("campaign_runs") as batch:
        batch.drop_column("last_customer_id")
