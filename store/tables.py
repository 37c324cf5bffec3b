"""The schema. Migrations in store/migrations must match it (a test compares them)."""

from __future__ import annotations

import sqlalchemy as sa

from store.types import BigId, Points, UTCDateTime

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("phone", sa.String(20), unique=True),
    sa.Column("name", sa.String(200)),
    sa.Column("locale", sa.String(8), nullable=False),
    sa.Column("tier", sa.String(32), nullable=False),
    sa.Column("points_balance", Points, nullable=False, server_default="0"),
    sa.Column("registered_at", UTCDateTime, nullable=False),
    sa.Column("pd_consent_at", UTCDateTime),
    sa.Column("pd_policy_version", sa.String(32)),
    sa.Column("marketing_opt_in", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("marketing_consent_at", UTCDateTime),
    sa.Column("birthday", sa.Date),
    sa.Column("birthday_set_at", UTCDateTime),
    sa.Column("tier_changed_at", UTCDateTime),
    sa.Column("referral_code", sa.String(64), unique=True),
    # indexed (migration 0009): /invite counts a customer's friends on every view
    sa.Column("referred_by_id", BigId, sa.ForeignKey("customers.id"), index=True),
    sa.Column("deleted_at", UTCDateTime),
    sa.CheckConstraint("points_balance >= 0", name="balance_not_negative"),
)

channel_identities = sa.Table(
    "channel_identities",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("external_id", sa.String(64), nullable=False),
    sa.Column("locale_hint", sa.String(8)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_inbound_at", UTCDateTime),
    sa.Column("unreachable_at", UTCDateTime),
    sa.Column("membership_at", UTCDateTime),  # migration 0010
    sa.UniqueConstraint("channel", "external_id"),
)

ledger_entries = sa.Table(
    "ledger_entries",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("points", Points, nullable=False),
    sa.Column("source_key", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("expires_at", UTCDateTime),
    sa.Column("remaining", Points),
    sa.Column("reverses_id", BigId, sa.ForeignKey("ledger_entries.id"), unique=True),
    sa.Column("reason", sa.String(500)),
    sa.Column("author", sa.String(100)),
    sa.Column("order_id", sa.String(64)),
    sa.CheckConstraint("remaining IS NULL OR (remaining >= 0 AND remaining <= points)", name="lot_remaining"),
    sa.Index("ix_ledger_entries_customer_id_id", "customer_id", "id"),
    sa.Index(
        "ix_ledger_entries_open_lots",
        "expires_at",
        sqlite_where=sa.text("remaining > 0"),
        postgresql_where=sa.text("remaining > 0"),
    ),
)

ledger_allocations = sa.Table(
    "ledger_allocations",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("entry_id", BigId, sa.ForeignKey("ledger_entries.id"), nullable=False, index=True),
    sa.Column("lot_id", BigId, sa.ForeignKey("ledger_entries.id"), nullable=False, index=True),
    sa.Column("points", Points, nullable=False),
)

repairs = sa.Table(
    "repairs",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("order_id", sa.String(64), nullable=False, unique=True),
    sa.Column("phone", sa.String(20), nullable=False, index=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), index=True),
    sa.Column("customer_name", sa.String(200)),
    sa.Column("device_category", sa.String(16), nullable=False),
    sa.Column("device_brand", sa.String(100)),
    sa.Column("device_model", sa.String(100)),
    sa.Column("device_serial", sa.String(100)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("amount_minor", sa.BigInteger),
    sa.Column("paid_money_minor", sa.BigInteger),
    sa.Column("points_used", Points, nullable=False, server_default="0"),
    sa.Column("items", sa.JSON, nullable=False),
    sa.Column("eta", sa.Date),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("status_at", UTCDateTime),
    sa.Column("completed_at", UTCDateTime),
    sa.Column("cancelled_at", UTCDateTime),
    sa.Column("quote_amount_minor", sa.BigInteger),
    sa.Column("quote_text", sa.String(200)),
)

repair_status_history = sa.Table(
    "repair_status_history",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("repair_id", BigId, sa.ForeignKey("repairs.id"), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("occurred_at", UTCDateTime, nullable=False),
    sa.Column("event_id", sa.String(200)),
)

processed_events = sa.Table(
    "processed_events",
    metadata,
    sa.Column("event_id", sa.String(200), primary_key=True),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("processed_at", UTCDateTime, nullable=False),
)

job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("job", sa.String(64), nullable=False),
    sa.Column("run_key", sa.String(64), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("detail", sa.Text),
    sa.UniqueConstraint("job", "run_key"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", BigId, primary_key=True, autoincrement=True),
    sa.Column("customer_id", BigId, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("template", sa.String(64), nullable=False),
    sa.Column("context", sa.JSON, nullable=False),
    sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
    sa.Column("channel", sa.String(16)),
    sa.Column("marketing", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("sensitive", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UTCDateTime),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("sent_at", UTCDateTime),
    sa.Column("error", sa.Text),
    sa.Column("provider_message_id", sa.String(64), index=True),
    # the campaign run a campaign message belongs to (store/tables_campaigns.py indexes it); no
    # foreign key, so SQLite can add the column in place
    sa.Column("campaign_run_id", BigId),
    # What the delivery loop reads, in the order it reads it (migration 0007): transactional
    # before marketing, oldest due first, and only the pending rows, so the finished history
    # never costs a due query anything.
    sa.Index(
        "ix_outbox_due",
        "marketing",
        "next_attempt_at",
        "id",
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    ),
)

# Feature tables live in their own modules on the same metadata; importing them here makes
# `metadata` complete for migrations and tests. (Imported last: they import `metadata` from here.)
from store import (  # noqa: E402, F401
    tables_badges,
    tables_campaigns,
    tables_consents,
    tables_feedback,
    tables_kpi,
    tables_offers,
    tables_privacy,
    tables_quotes,
    tables_referrals,
    tables_repairs,
    tables_segments,
    tables_telegram,
    tables_whatsapp,
)
