"""issue 19: the /invite screen counts a customer's friends through an index, not a table scan

`SELECT count(*) FROM customers WHERE referred_by_id = ?` had no index: SQLite scanned and
PostgreSQL seq-scanned the whole customers table for every /invite (10 ms at 100 000 customers on
SQLite, growing linearly). The index also serves the foreign key's own checks when a customer is
deleted.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_customers_referred_by_id", "customers", ["referred_by_id"])


def downgrade() -> None:
    op.drop_index("ix_customers_referred_by_id", table_name="customers")
