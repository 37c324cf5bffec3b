"""A small shop, written row by row, whose KPIs for November 2026 are worked out by hand in
tests/integration/test_kpi_report.py (Moscow time: the period is 2026-10-31T21:00Z..2026-11-30T21:00Z)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from store.tables import customers, ledger_allocations, ledger_entries, outbox, repairs
from store.tables_campaigns import campaign_recipients, campaign_runs, campaigns
from store.tables_feedback import repair_feedback


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


FIRST_MOMENT = utc(2026, 10, 31, 21)  # 1 November 00:00 in Moscow
LAST_MOMENT = utc(2026, 11, 30, 20, 59, 59)  # 30 November 23:59:59 in Moscow
AFTER = utc(2026, 11, 30, 21)  # 1 December 00:00 in Moscow: outside


def customer(
    cid: int, joined: datetime | None, *, deleted: datetime | None = None, tier: str = "bronze"
) -> dict[str, Any]:
    return {
        "id": cid,
        "phone": None if deleted else f"+7916000000{cid}",
        "locale": "ru",
        "tier": tier,
        "registered_at": joined or utc(2024, 1, 1),
        "pd_consent_at": joined,
        "deleted_at": deleted,
    }


def repair(
    n: int, phone: str, amount: str, at: datetime, customer_id: int | None = None, status: str = "completed"
) -> dict[str, Any]:
    return {
        "order_id": f"R-{n}",
        "phone": phone,
        "customer_id": customer_id,
        "device_category": "phone",
        "status": status,
        "amount_minor": int(amount.replace(".", "")),
        "paid_money_minor": int(amount.replace(".", "")),
        "items": [],
        "created_at": at,
        "updated_at": at,
        "completed_at": at if status == "completed" else None,
        "cancelled_at": at if status == "cancelled" else None,
    }


def entry(
    eid: int, cid: int, kind: str, points: int, at: datetime, reverses: int | None = None
) -> dict[str, Any]:
    return {
        "id": eid,
        "customer_id": cid,
        "kind": kind,
        "points": points,
        "source_key": f"k{eid}",
        "created_at": at,
        "reverses_id": reverses,
    }


def message(
    n: int, cid: int, channel: str, status: str, sent: datetime | None, run: int | None = None
) -> dict[str, Any]:
    return {
        "customer_id": cid,
        "template": "campaign",
        "context": {},
        "dedupe_key": f"m{n}",
        "channel": channel,
        "status": status,
        "created_at": sent or FIRST_MOMENT,
        "sent_at": sent if status == "sent" else None,
        "campaign_run_id": run,
    }


def score(order: str, cid: int | None, value: int | None, answered: datetime | None) -> dict[str, Any]:
    asked = (answered or LAST_MOMENT) - timedelta(hours=1)
    return {
        "order_id": order,
        "customer_id": cid,
        "asked_at": asked,
        "expires_at": asked + timedelta(days=7),
        "score": value,
        "answered_at": answered,
        "channel": "telegram" if value is not None else None,
    }


async def insert(engine: AsyncEngine, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.insert(table), rows)


A, B, C, D, E = 1, 2, 3, 4, 5
PHONE_NON_MEMBER = "+79160009999"


async def november_shop(engine: AsyncEngine) -> None:
    """A: a member since 2025 who came twice in November; B: a member since January 2025, last
    seen February 2025 (churned); C: joined at the last second of November, repaired once before
    that (a non-member's repair); D: a member deleted mid-November; E: joins at 00:00 on
    1 December (outside); and a phone that never joined. Repair scores: 5, 2, 4 and D's anonymous
    4 answered in November (CSAT 3 / 4), a 1 of 2025 and a 3 of 1 December out, one unanswered."""
    await insert(
        engine,
        customers,
        [
            customer(A, utc(2025, 6, 1)),
            customer(B, utc(2025, 1, 10), tier="silver"),
            customer(C, LAST_MOMENT),
            customer(D, utc(2026, 3, 1), deleted=utc(2026, 11, 15)),
            customer(E, AFTER),
        ],
    )
    await insert(
        engine,
        repairs,
        [
            repair(1, "+79160000001", "1000.00", utc(2025, 8, 1), A),
            repair(2, "+79160000001", "4000.00", FIRST_MOMENT, A),  # 00:00 of `from`: in
            repair(3, "+79160000001", "2000.00", utc(2026, 11, 20, 9), A),
            repair(4, "+79160000002", "3000.00", utc(2025, 2, 1), B),
            repair(5, "+79160000003", "1500.00", utc(2026, 11, 10, 9), C),  # before C joined
            repair(6, "", "1000.00", utc(2026, 4, 1), D),
            repair(7, PHONE_NON_MEMBER, "1000.00", utc(2026, 11, 5, 9)),
            repair(8, PHONE_NON_MEMBER, "9999.00", utc(2026, 10, 31, 20, 59, 59)),  # 31 Oct 23:59:59: out
            repair(9, PHONE_NON_MEMBER, "500.00", LAST_MOMENT),  # 23:59:59 of `to`: in
            repair(10, PHONE_NON_MEMBER, "7777.00", AFTER),  # out
            repair(11, PHONE_NON_MEMBER, "8888.00", utc(2026, 11, 6), status="cancelled"),
        ],
    )
    await insert(
        engine,
        ledger_entries,
        [
            entry(1, A, "welcome", 200, utc(2025, 6, 1)),
            entry(2, A, "earn", 120, FIRST_MOMENT),
            entry(3, A, "spend", -100, utc(2026, 11, 20, 9)),
            entry(4, B, "birthday", 500, utc(2026, 11, 10)),
            entry(5, B, "reversal", -500, utc(2026, 11, 11), reverses=4),
            entry(6, A, "adjustment", 30, utc(2026, 11, 12)),
            entry(7, A, "adjustment", -10, utc(2026, 11, 13)),
            entry(8, B, "welcome", 200, utc(2025, 1, 10)),
            entry(9, B, "expire", -20, utc(2026, 11, 5)),
            entry(10, C, "campaign", 50, LAST_MOMENT),
            entry(11, A, "earn", 999, AFTER),
            entry(12, A, "spend", -40, utc(2026, 11, 21)),
            entry(13, A, "reversal", 40, utc(2026, 11, 22), reverses=12),
            entry(14, D, "welcome", 50, utc(2026, 3, 1)),
            entry(15, D, "expire", -50, utc(2026, 11, 15)),
        ],
    )
    await insert(
        engine,
        ledger_allocations,
        [
            {"entry_id": 3, "lot_id": 1, "points": 50},
            {"entry_id": 3, "lot_id": 2, "points": 50},
            {"entry_id": 12, "lot_id": 2, "points": 40},
            {"entry_id": 13, "lot_id": 2, "points": -40},
            {"entry_id": 9, "lot_id": 8, "points": 20},
            {"entry_id": 15, "lot_id": 14, "points": 50},
        ],
    )
    await insert(
        engine,
        outbox,
        [
            message(1, A, "telegram", "sent", utc(2026, 11, 3, 9)),
            message(2, B, "telegram", "sent", utc(2026, 11, 4, 9)),
            message(3, A, "whatsapp", "sent", FIRST_MOMENT),
            message(4, B, "whatsapp", "sent", utc(2026, 11, 7, 9)),
            message(5, C, "whatsapp", "sent", LAST_MOMENT),
            message(6, C, "whatsapp", "sent", AFTER),  # out
            message(7, A, "whatsapp", "failed", None),
        ],
    )
    await insert(
        engine,
        repair_feedback,
        [
            score("R-2", A, 5, FIRST_MOMENT),  # 00:00 of `from`: in
            score("R-3", A, 2, utc(2026, 11, 21, 8)),
            score("R-5", C, 4, LAST_MOMENT),  # 23:59:59 of `to`: in
            score("R-6", None, 4, utc(2026, 11, 10)),  # D deleted the account: anonymous, counted
            score("R-1", A, 1, utc(2025, 8, 2)),  # out
            score("R-4", B, 3, AFTER),  # out
            score("R-9", None, None, None),  # asked, never answered: not counted
        ],
    )


X1, X2, X3, X4, X5 = 11, 12, 13, 14, 15
RUN_START = utc(2026, 11, 2, 7)
DELIVERED = utc(2026, 11, 2, 8)


async def campaign_shop(engine: AsyncEngine) -> None:
    """Campaign 1 with a holdout (run 1: X1, X2 reached, X3's message failed; X4, X5 held out),
    campaign 2 without one (run 2: X1 again); campaign 3 never ran."""
    await insert(engine, customers, [customer(x, utc(2026, 1, 1)) for x in (X1, X2, X3, X4, X5)])
    base = {
        "filter": {},
        "messages": {"ru": "Привет", "en": "Hi"},
        "status": "done",
        "created_at": utc(2026, 11, 1),
        "holdout_percent": 0,
        "bonus_points": 0,
    }
    await insert(
        engine,
        campaigns,
        [
            {"id": 1, "name": "with holdout", "holdout_percent": 40, "bonus_points": 50, **base},
            {"id": 2, "name": "without holdout", **base},
            {"id": 3, "name": "never ran", **base, "status": "scheduled"},
        ],
    )
    await insert(
        engine,
        campaign_runs,
        [
            {
                "id": 1,
                "campaign_id": 1,
                "scheduled_for": RUN_START,
                "started_at": RUN_START,
                "status": "done",
                "recipients": 3,
                "holdout": 2,
            },
            {
                "id": 2,
                "campaign_id": 2,
                "scheduled_for": utc(2026, 11, 15),
                "started_at": utc(2026, 11, 15),
                "status": "done",
                "recipients": 1,
                "holdout": 0,
            },
        ],
    )
    await insert(
        engine,
        campaign_recipients,
        [
            {"run_id": 1, "customer_id": X1, "holdout": False},
            {"run_id": 1, "customer_id": X2, "holdout": False},
            {"run_id": 1, "customer_id": X3, "holdout": False},
            {"run_id": 1, "customer_id": X4, "holdout": True},
            {"run_id": 1, "customer_id": X5, "holdout": True},
            {"run_id": 2, "customer_id": X1, "holdout": False},
        ],
    )
    await insert(
        engine,
        outbox,
        [
            message(101, X1, "telegram", "sent", DELIVERED, run=1),
            message(102, X2, "whatsapp", "sent", DELIVERED, run=1),
            message(103, X3, "whatsapp", "failed", None, run=1),
            message(104, X1, "telegram", "sent", utc(2026, 11, 15, 8), run=2),
        ],
    )
    await insert(
        engine,
        ledger_entries,
        [
            {**entry(101, X1, "campaign", 50, DELIVERED), "source_key": f"campaign:1:{X1}"},
            {**entry(102, X2, "campaign", 50, DELIVERED), "source_key": f"campaign:1:{X2}"},
        ],
    )
    await insert(
        engine,
        repairs,
        [
            repair(101, "+79160000011", "3000.00", utc(2026, 11, 10), X1),
            repair(102, "+79160000011", "1000.00", utc(2026, 12, 2, 8), X1),  # 30 days after: in
            repair(103, "+79160000012", "5000.00", utc(2026, 12, 2, 8, 0, 1), X2),  # a second late
            repair(104, "+79160000013", "4000.00", utc(2026, 11, 5), X3),  # never reached
            repair(105, "+79160000014", "1200.00", utc(2026, 11, 20), X4),
            repair(106, "+79160000015", "900.00", utc(2026, 11, 2, 6), X5),  # before the run
        ],
    )
