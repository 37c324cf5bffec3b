"""The daily `badge_review`: a year in the program on the anniversary's date, once however it runs."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from domain.jobs import RunStatus
from domain.services.privacy import delete_customer
from messages import Renderer
from scheduler.jobs import JobDeps, build_jobs
from scheduler.jobs.badge_review import BadgeReview
from store.tables import outbox
from store.tables_badges import customer_badges
from tests.builders import registered, uow_on
from tests.day_jobs import ArrivingJobs
from tests.e2e.marketing.test_jobs_api import _cli

TZ = "Europe/Moscow"
JOINED = datetime(2025, 11, 22, 9, 0, tzinfo=UTC)  # 12:00 in Moscow
ANNIVERSARY = date(2026, 11, 22)  # 365 days later
EVE = date(2026, 11, 21)  # 364 days later


async def _member(uow_factory, rules, phone: str, at: datetime = JOINED, **extra) -> int:
    result = await registered(uow_factory(), rules, at, phone, **extra)
    assert result.customer.id is not None
    return result.customer.id


def _jobs(uow_factory, clock, rules):
    return ArrivingJobs(build_jobs(JobDeps(uow_factory, clock, rules, TZ)), clock, TZ)


async def _held(engine) -> list[tuple[int, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(customer_badges.c.customer_id, customer_badges.c.badge_key).order_by(
                customer_badges.c.id
            )
        )
        return [tuple(r) for r in rows]


async def _announced(engine) -> list[tuple[int, dict, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.customer_id, outbox.c.context, outbox.c.dedupe_key)
            .where(outbox.c.template == "badge_awarded")
            .order_by(outbox.c.id)
        )
        return [(r[0], r[1], r[2]) for r in rows]


async def test_day_364_awards_nothing_and_day_365_awards_a_year_with_us(engine, uow_factory, clock, rules):
    cid = await _member(uow_factory, rules, "+79161234501")
    clock.set(datetime(2026, 11, 21, 7, 30, tzinfo=UTC))
    jobs = _jobs(uow_factory, clock, rules)
    eve = await jobs.run("badge_review", EVE)
    assert eve.counts == {"awarded": 0, "failed": 0} and await _held(engine) == []
    clock.set(datetime(2026, 11, 22, 7, 30, tzinfo=UTC))  # the morning of the anniversary, before 12:00
    day = await jobs.run("badge_review", ANNIVERSARY)
    assert day.counts == {"awarded": 1, "failed": 0}
    assert await _held(engine) == [(cid, "one_year")]
    [(to, context, key)] = await _announced(engine)
    assert (to, key) == (cid, f"badge:{cid}:one_year")
    text = Renderer().render("badge_awarded", "ru", "telegram", **context)
    assert "Новый значок: Год с нами" in text


async def test_the_member_who_joined_the_next_day_waits_a_day_more(engine, uow_factory, clock, rules):
    early = await _member(uow_factory, rules, "+79161234501", JOINED.replace(hour=20, minute=59))  # 23:59
    late = await _member(uow_factory, rules, "+79161234502", JOINED.replace(hour=21))  # 00:00, the 23rd
    jobs = _jobs(uow_factory, clock, rules)
    await jobs.run("badge_review", ANNIVERSARY)
    assert await _held(engine) == [(early, "one_year")]
    await jobs.run("badge_review", date(2026, 11, 23))
    assert await _held(engine) == [(early, "one_year"), (late, "one_year")]


async def test_the_job_twice_awards_and_announces_once(engine, uow_factory, clock, rules):
    await _member(uow_factory, rules, "+79161234501")
    jobs = _jobs(uow_factory, clock, rules)
    first = await jobs.run("badge_review", ANNIVERSARY)
    again = await jobs.run("badge_review", ANNIVERSARY)
    assert (first.status, again.status) == (RunStatus.DONE, RunStatus.ALREADY_DONE)
    later = await jobs.run("badge_review", date(2026, 11, 23))  # the next day finds it held
    assert later.counts == {"awarded": 0, "failed": 0}
    assert len(await _held(engine)) == len(await _announced(engine)) == 1


async def test_the_work_itself_awards_once_even_without_the_claim(engine, uow_factory, clock, rules):
    await _member(uow_factory, rules, "+79161234501")
    deps = JobDeps(uow_factory, clock, rules, TZ)
    first = await BadgeReview().run(deps, ANNIVERSARY)
    second = await BadgeReview().run(deps, ANNIVERSARY)
    assert (first.counts["awarded"], second.counts["awarded"]) == (1, 0)
    assert len(await _held(engine)) == len(await _announced(engine)) == 1


async def test_two_replicas_at_once_award_once(database, engine, clock, rules, uow_factory):
    for i in range(5):
        await _member(uow_factory, rules, f"+7916123450{i}")
    other = database.engine()
    try:
        a = ArrivingJobs(build_jobs(JobDeps(uow_on(engine, rules), clock, rules, TZ)), clock, TZ)
        b = ArrivingJobs(build_jobs(JobDeps(uow_on(other, rules), clock, rules, TZ)), clock, TZ)
        results = await asyncio.gather(a.run("badge_review", ANNIVERSARY), b.run("badge_review", ANNIVERSARY))
    finally:
        await other.dispose()
    assert sorted(r.status for r in results) == [RunStatus.ALREADY_DONE, RunStatus.DONE]
    assert len(await _held(engine)) == len(await _announced(engine)) == 5


async def test_two_replicas_doing_the_work_at_once_award_once(database, engine, clock, rules, uow_factory):
    for i in range(5):
        await _member(uow_factory, rules, f"+7916123450{i}")
    other = database.engine()
    try:
        runs = [
            BadgeReview().run(JobDeps(uow_on(e, rules), clock, rules, TZ), ANNIVERSARY)
            for e in (engine, other)
        ]
        results = await asyncio.gather(*runs)
    finally:
        await other.dispose()
    assert sum(r.counts["awarded"] for r in results) == 5
    assert len(await _held(engine)) == len(await _announced(engine)) == 5


async def test_deleted_members_get_no_badge(engine, uow_factory, clock, rules):
    gone = await _member(uow_factory, rules, "+79161234501")
    kept = await _member(uow_factory, rules, "+79161234502")
    async with uow_factory() as uow:
        await delete_customer(uow, gone, clock.now())
        await uow.commit()
    await _jobs(uow_factory, clock, rules).run("badge_review", ANNIVERSARY)
    assert await _held(engine) == [(kept, "one_year")]


async def test_the_review_pages_through_members_by_id(engine, uow_factory, clock, rules, monkeypatch):
    monkeypatch.setattr("scheduler.jobs.badge_review.BATCH", 2)
    ids = [await _member(uow_factory, rules, f"+7916123450{i}") for i in range(5)]
    result = await _jobs(uow_factory, clock, rules).run("badge_review", ANNIVERSARY)
    assert result.counts == {"awarded": 5, "failed": 0}
    assert sorted(cid for cid, _ in await _held(engine)) == ids


def test_the_cli_runs_badge_review_for_a_date_once(tmp_path: Path):
    first = _cli(tmp_path, "badge_review", "--date", "2026-11-22")
    assert first.returncode == 0, first.stderr
    answer = json.loads(first.stdout)
    assert (answer["job"], answer["status"], answer["counts"]) == (
        "badge_review",
        "done",
        {"awarded": 0, "failed": 0},
    )
    again = _cli(tmp_path, "badge_review", "--date", "2026-11-22")
    assert json.loads(again.stdout)["status"] == "already_done"
