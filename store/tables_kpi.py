"""Indexes the KPI report reads by (store/queries/kpi*.py, migration 0016): each asks for the
rows of a period, so each starts from the period's moment instead of the whole history."""

from __future__ import annotations

import sqlalchemy as sa

from store.tables import ledger_entries, outbox, repairs

ix_repairs_completed_at = sa.Index("ix_repairs_completed_at", repairs.c.completed_at)
ix_ledger_entries_created_at = sa.Index("ix_ledger_entries_created_at", ledger_entries.c.created_at)
ix_outbox_sent_at = sa.Index("ix_outbox_sent_at", outbox.c.sent_at)
