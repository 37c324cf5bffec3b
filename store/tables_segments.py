"""Indexes the segment queries (store/segments.py) and the scheduled jobs lean on (issue 10).

They sit on tables defined elsewhere; declared here, they join the shared metadata when
store/tables.py imports this module, so the migration test keeps them in step with 0006.
"""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import customers, repairs

# The history aggregate (visits, spend, last visit) reads completed repairs per customer.
ix_repairs_history = sa.Index(
    "ix_repairs_customer_id_status_completed_at",
    repairs.c.customer_id,
    repairs.c.status,
    repairs.c.completed_at,
)
# "Has repaired a laptop": EXISTS per customer and category.
ix_repairs_categories = sa.Index(
    "ix_repairs_customer_id_device_category", repairs.c.customer_id, repairs.c.device_category
)
# `registered_within_days` is a range over the registration time.
ix_customers_registered_at = sa.Index("ix_customers_registered_at", customers.c.registered_at)
