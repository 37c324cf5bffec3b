"""issue 10 (outbox delivery policies): the due index serves "transactional first, oldest due first"

The delivery loop reads pending rows by (marketing, next_attempt_at, id) from a partial index over
pending rows only; every pending row gets a due time (its creation time when it had none), so the
due query is a range scan on both databases. It replaces ix_outbox_status_next_attempt_at, whose
`status` prefix let PostgreSQL's planner walk every pending row for a lease by primary key.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.execute(
        "UPDATE outbox SET next_attempt_at = created_at WHERE status = 'pending' AND next_attempt_at IS NULL"
    )
    op.drop_index("ix_outbox_status_next_attempt_at", table_name="outbox")
    op.create_index(
        "ix_outbox_due",
        "outbox",
        ["marketing", "next_attempt_at", "id"],
        sqlite_where=PENDING,
        postgresql_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
