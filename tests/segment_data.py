"""A few thousand generated customers written straight into the tables, and the plain-Python oracle.

The oracle restates PRODUCT.md's filter with none of the SQL: a visit is a completed repair,
spend is the money paid for them (the amount when nothing was recorded as paid), and only live
members with marketing consent and a reachable channel count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.segments import SegmentFilter
from store.tables import channel_identities, customers, repairs

TIERS = ("bronze", "silver", "gold", "platinum")
LOCALES = ("ru", "en")
CHANNELS = ("telegram", "whatsapp")
CATEGORIES = ("phone", "tablet", "laptop", "desktop", "watch", "console", "audio", "other")
STATUSES = ("completed", "completed", "completed", "cancelled", "in_repair", "received")


@dataclass
class FakeRepair:
    status: str
    category: str
    amount_minor: int | None
    paid_minor: int | None
    completed_at: datetime | None


@dataclass
class Person:
    id: int
    tier: str
    locale: str
    registered_at: datetime
    member: bool
    marketing: bool
    deleted: bool
    birthday: date | None
    identities: list[tuple[str, bool]] = field(default_factory=list)  # (channel, reachable)
    repairs: list[FakeRepair] = field(default_factory=list)

    @property
    def done(self) -> list[FakeRepair]:
        return [r for r in self.repairs if r.status == "completed" and r.completed_at is not None]


def generate(now: datetime, count: int, seed: int = 10) -> list[Person]:
    rnd = random.Random(seed)
    people = []
    for i in range(1, count + 1):
        person = Person(
            id=i,
            tier=rnd.choice(TIERS),
            locale=rnd.choice(LOCALES),
            registered_at=now - timedelta(seconds=rnd.randrange(0, 800 * 86400)),
            member=rnd.random() < 0.93,
            marketing=rnd.random() < 0.75,
            deleted=rnd.random() < 0.04,
            birthday=date(1960 + rnd.randrange(45), rnd.randrange(1, 13), rnd.randrange(1, 29))
            if rnd.random() < 0.8
            else None,
        )
        for channel in CHANNELS:
            if rnd.random() < 0.6:
                person.identities.append((channel, rnd.random() < 0.85))
        for _ in range(rnd.choice((0, 0, 1, 1, 2, 3, 5))):
            status = rnd.choice(STATUSES)
            amount = rnd.randrange(500, 60_000) * 100
            person.repairs.append(
                FakeRepair(
                    status=status,
                    category=rnd.choice(CATEGORIES),
                    amount_minor=amount,
                    paid_minor=None if rnd.random() < 0.2 else rnd.randrange(0, amount + 1),
                    completed_at=now - timedelta(seconds=rnd.randrange(0, 900 * 86400))
                    if status in ("completed", "cancelled")
                    else None,
                )
            )
        people.append(person)
    return people


async def write(engine: AsyncEngine, people: list[Person], now: datetime) -> None:
    customer_rows, identity_rows, repair_rows = [], [], []
    for p in people:
        customer_rows.append(
            {
                "id": p.id,
                "phone": f"+7916{p.id:07d}",
                "name": f"Клиент {p.id}",
                "locale": p.locale,
                "tier": p.tier,
                "points_balance": 0,
                "registered_at": p.registered_at,
                "pd_consent_at": p.registered_at if p.member else None,
                "pd_policy_version": "2026-11-01" if p.member else None,
                "marketing_opt_in": p.marketing,
                "marketing_consent_at": p.registered_at if p.marketing else None,
                "birthday": p.birthday,
                "deleted_at": now if p.deleted else None,
            }
        )
        for channel, reachable in p.identities:
            identity_rows.append(
                {
                    "customer_id": p.id,
                    "channel": channel,
                    "external_id": f"{channel}-{p.id}",
                    "created_at": p.registered_at,
                    "unreachable_at": None if reachable else now,
                }
            )
        for n, r in enumerate(p.repairs):
            repair_rows.append(
                {
                    "order_id": f"R-{p.id}-{n}",
                    "phone": f"+7916{p.id:07d}",
                    "customer_id": p.id,
                    "device_category": r.category,
                    "status": r.status,
                    "amount_minor": r.amount_minor,
                    "paid_money_minor": r.paid_minor,
                    "items": [],
                    "created_at": now - timedelta(days=1000),
                    "updated_at": now,
                    "completed_at": r.completed_at,
                }
            )
    async with engine.begin() as conn:
        await conn.execute(sa.insert(customers), customer_rows)
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequence past them
            await conn.execute(
                sa.text("SELECT setval(pg_get_serial_sequence('customers', 'id'), :n)"), {"n": len(people)}
            )
        await conn.execute(sa.insert(channel_identities), identity_rows)
        await conn.execute(sa.insert(repairs), repair_rows)


def matches(spec: SegmentFilter, p: Person, now: datetime) -> bool:
    reachable = {channel for channel, ok in p.identities if ok}
    if p.deleted or not p.member or not p.marketing or not reachable:
        return False
    if spec.channels and not reachable & spec.channels:
        return False
    if spec.tiers and p.tier not in spec.tiers:
        return False
    if spec.locales and p.locale not in spec.locales:
        return False
    if spec.birthday_month is not None and (p.birthday is None or p.birthday.month != spec.birthday_month):
        return False
    if spec.registered_within_days is not None and p.registered_at < now - timedelta(
        days=spec.registered_within_days
    ):
        return False
    done = p.done
    if spec.device_categories and not {r.category for r in done} & spec.device_categories:
        return False
    visits = len(done)
    spend = sum(r.paid_minor if r.paid_minor is not None else (r.amount_minor or 0) for r in done)
    last = max((r.completed_at for r in done if r.completed_at), default=None)
    if spec.min_visits is not None and visits < spec.min_visits:
        return False
    if spec.max_visits is not None and visits > spec.max_visits:
        return False
    if spec.min_spend_minor is not None and spend < spec.min_spend_minor:
        return False
    if spec.max_spend_minor is not None and spend > spec.max_spend_minor:
        return False
    if spec.last_visit_within_days is not None and (
        last is None or last < now - timedelta(days=spec.last_visit_within_days)
    ):
        return False
    return not (
        spec.no_visit_for_days is not None
        and last is not None
        and last >= now - timedelta(days=spec.no_visit_for_days)
    )
