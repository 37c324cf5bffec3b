"""The monthly tier review: down to what the spend supports, once a month, with one message."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from domain.jobs import RunStatus
from domain.services.privacy import delete_customer
from scheduler.jobs import JobDeps, build_jobs
from store.tables import customers, job_runs, outbox
from tests.builders import uow_on
from tests.day_jobs import ArrivingJobs
from tests.tier_review_support import RUB, member_with_spend

TZ = "Europe/Moscow"
REVIEW_DAY = date(2026, 12, 1)
REVIEW_AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)  # 09:00 in Moscow, when the cron fires
LAST_SPRING = datetime(2026, 4, 10, 9, 0, tzinfo=UTC)  # inside the 365-day window
LONG_BEFORE = datetime(2025, 11, 1, 9, 0, tzinfo=UTC)  # out of it by the December review
UPGRADED_LAST_YEAR = datetime(2025, 11, 1, 9, 0, tzinfo=UTC)


def _jobs(uow_factory, clock, rules):
    clock.set(REVIEW_AT)
    return ArrivingJobs(build_jobs(JobDeps(uow_factory, clock, rules, TZ)), clock, TZ)


async def _tiers(engine) -> dict[int, tuple[str, datetime | None]]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(customers.c.id, customers.c.tier, customers.c.tier_changed_at))
        return {r[0]: (r[1], r[2]) for r in rows}


async def _messages(engine, template: str) -> list[tuple[int, dict, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.customer_id, outbox.c.context, outbox.c.dedupe_key)
            .where(outbox.c.template == template)
            .order_by(outbox.c.id)
        )
        return [(r[0], r[1], r[2]) for r in rows]


async def test_a_gold_member_whose_spend_dropped_goes_down_to_what_it_supports_with_one_message(
    engine, uow_factory, clock, rules
):
    gold = await member_with_spend(
        uow_factory,
        rules,
        "+79161234501",
        tier="gold",
        changed_at=UPGRADED_LAST_YEAR,
        repairs=[(LONG_BEFORE, 40_000 * RUB), (LAST_SPRING, 20_000 * RUB)],
    )
    platinum = await member_with_spend(
        uow_factory, rules, "+79161234502", tier="platinum", changed_at=UPGRADED_LAST_YEAR, repairs=[]
    )
    result = await _jobs(uow_factory, clock, rules).run("tier_review", REVIEW_DAY)
    assert result.counts == {"reviewed": 2, "downgraded": 2, "upgraded": 0, "kept": 0, "failed": 0}
    tiers = await _tiers(engine)
    assert tiers[gold] == ("silver", REVIEW_AT)
    assert tiers[platinum] == ("bronze", REVIEW_AT)  # straight to what the spend supports
    sent = await _messages(engine, "tier_downgraded")
    assert [(cid, key) for cid, _, key in sent] == [
        (gold, f"tier_downgraded:{gold}:2026-12"),
        (platinum, f"tier_downgraded:{platinum}:2026-12"),
    ]
    assert sent[0][1] == {
        "tier_key": "silver",
        "tier_names": {"ru": "Серебро", "en": "Silver"},
        "earn_rate_percent": "5",
        "previous_tier_key": "gold",
        "previous_tier_names": {"ru": "Золото", "en": "Gold"},
        "previous_threshold_minor": 50_000 * RUB,
        "spent_minor": 20_000 * RUB,
        "to_regain_minor": 30_000 * RUB,
        "window_days": 365,
    }
    assert await _messages(engine, "tier_upgraded") == []


async def test_a_member_who_still_meets_the_threshold_keeps_the_tier_and_hears_nothing(
    engine, uow_factory, clock, rules
):
    kept = await member_with_spend(
        uow_factory,
        rules,
        "+79161234501",
        tier="gold",
        changed_at=UPGRADED_LAST_YEAR,
        repairs=[(LAST_SPRING, 50_000 * RUB)],
    )
    bronze = await member_with_spend(
        uow_factory, rules, "+79161234502", tier="bronze", changed_at=None, repairs=[]
    )
    result = await _jobs(uow_factory, clock, rules).run("tier_review", REVIEW_DAY)
    assert result.counts == {"reviewed": 1, "downgraded": 0, "upgraded": 0, "kept": 1, "failed": 0}
    tiers = await _tiers(engine)
    assert tiers[kept] == ("gold", UPGRADED_LAST_YEAR) and tiers[bronze][0] == "bronze"
    assert await _messages(engine, "tier_downgraded") == []


async def test_a_member_upgraded_this_month_is_not_downgraded_before_next_months_review(
    engine, uow_factory, clock, rules
):
    # 00:30 on 1 December in Moscow, still 30 November in UTC: this month for the shop.
    upgraded_at = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    cid = await member_with_spend(
        uow_factory,
        rules,
        "+79161234501",
        tier="gold",
        changed_at=upgraded_at,
        repairs=[(LAST_SPRING, 20_000 * RUB)],
    )
    jobs = _jobs(uow_factory, clock, rules)
    december = await jobs.run("tier_review", REVIEW_DAY)
    assert december.counts["kept"] == 1 and december.counts["downgraded"] == 0
    assert (await _tiers(engine))[cid] == ("gold", upgraded_at)
    january_at = datetime(2027, 1, 1, 6, 0, tzinfo=UTC)
    clock.set(january_at)
    january = await jobs.run("tier_review", date(2027, 1, 1))
    assert january.counts["downgraded"] == 1
    assert (await _tiers(engine))[cid] == ("silver", january_at)
    assert [key for _, _, key in await _messages(engine, "tier_downgraded")] == [
        f"tier_downgraded:{cid}:2027-01"
    ]


async def test_an_upgrade_the_spend_supports_at_review_is_applied_as_an_upgrade(
    engine, uow_factory, clock, rules
):
    cid = await member_with_spend(
        uow_factory,
        rules,
        "+79161234501",
        tier="silver",
        changed_at=UPGRADED_LAST_YEAR,
        repairs=[(LAST_SPRING, 60_000 * RUB)],
    )
    result = await _jobs(uow_factory, clock, rules).run("tier_review", REVIEW_DAY)
    assert result.counts == {"reviewed": 1, "downgraded": 0, "upgraded": 1, "kept": 0, "failed": 0}
    assert (await _tiers(engine))[cid] == ("gold", REVIEW_AT)
    upgraded = await _messages(engine, "tier_upgraded")
    assert [(c, key) for c, _, key in upgraded] == [(cid, f"tier_upgraded:{cid}:gold:review:2026-12")]
    assert await _messages(engine, "tier_downgraded") == []


async def test_deleted_customers_are_not_reviewed(engine, uow_factory, clock, rules):
    cid = await member_with_spend(
        uow_factory, rules, "+79161234501", tier="gold", changed_at=UPGRADED_LAST_YEAR, repairs=[]
    )
    async with uow_factory() as uow:
        await delete_customer(uow, cid, REVIEW_AT)
        await uow.commit()
    result = await _jobs(uow_factory, clock, rules).run("tier_review", REVIEW_DAY)
    assert result.counts["reviewed"] == 0
    assert await _messages(engine, "tier_downgraded") == []


async def test_the_review_twice_in_a_month_does_it_once(engine, uow_factory, clock, rules):
    cid = await member_with_spend(
        uow_factory,
        rules,
        "+79161234501",
        tier="gold",
        changed_at=UPGRADED_LAST_YEAR,
        repairs=[(LAST_SPRING, 20_000 * RUB)],
    )
    jobs = _jobs(uow_factory, clock, rules)
    first = await jobs.run("tier_review", REVIEW_DAY)
    again = await jobs.run("tier_review", date(2026, 12, 15))  # any date of the month is its review
    assert (first.status, again.status) == (RunStatus.DONE, RunStatus.ALREADY_DONE)
    assert again.counts == first.counts
    assert (await _tiers(engine))[cid][0] == "silver"
    assert len(await _messages(engine, "tier_downgraded")) == 1
    async with engine.connect() as conn:
        assert (await conn.scalars(sa.select(job_runs.c.run_key))).all() == ["2026-12"]


async def test_two_replicas_at_once_review_once(database, engine, clock, rules, uow_factory):
    for i in range(5):
        await member_with_spend(
            uow_factory,
            rules,
            f"+7916123450{i}",
            tier="gold",
            changed_at=UPGRADED_LAST_YEAR,
            repairs=[(LAST_SPRING, 20_000 * RUB)],
        )
    other = database.engine()
    clock.set(REVIEW_AT + timedelta(days=1))  # both dates have come: one run of the month is claimed
    try:
        a = ArrivingJobs(build_jobs(JobDeps(uow_on(engine, rules), clock, rules, TZ)), clock, TZ)
        b = ArrivingJobs(build_jobs(JobDeps(uow_on(other, rules), clock, rules, TZ)), clock, TZ)
        results = await asyncio.gather(
            a.run("tier_review", REVIEW_DAY), b.run("tier_review", date(2026, 12, 2))
        )
    finally:
        await other.dispose()
    assert sorted(r.status for r in results) == [RunStatus.ALREADY_DONE, RunStatus.DONE]
    assert {tier for tier, _ in (await _tiers(engine)).values()} == {"silver"}
    assert len(await _messages(engine, "tier_downgraded")) == 5
