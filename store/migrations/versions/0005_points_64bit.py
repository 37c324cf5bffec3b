"""issue 9: points columns are 64-bit on PostgreSQL (SQLite's INTEGER already is)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = (
    ("customers", "points_balance"),
    ("ledger_entries", "points"),
    ("ledger_entries", "remaining"),
    ("ledger_allocations", "points"),
    ("repairs", "points_used"),
    ("redemptions", "points"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
