"""issue 10: indexes of the segment queries and the scheduled jobs

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_repairs_customer_id_status_completed_at", "repairs", ["customer_id", "status", "completed_at"]
    )
    op.create_index("ix_repairs_customer_id_device_category", "repairs", ["customer_id", "device_category"])
    op.create_index("ix_customers_registered_at", "customers", ["registered_at"])


def downgrade() -> None:
    op.drop_index("ix_customers_registered_at", table_name="customers")
    op.drop_index("ix_repairs_customer_id_device_category", table_name="repairs")
    op.drop_index("ix_repairs_customer_id_status_completed_at", table_name="repairs")
