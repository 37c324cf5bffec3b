"""The daily `feedback_requests` job: the repairs completed the day before, asked once at the
rules' hour and never in the quiet hours, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.rules_file import DEFAULT_RULES, RulesError, parse_rules
from domain.jobs import RunStatus
from domain.repairs import RepairStatus
from domain.services.privacy import delete_customer
from scheduler.jobs import JobDeps, all_jobs, build_jobs
from scheduler.jobs.feedback_requests import FeedbackRequests
from tests.builders import registered, uow_on
from tests.day_jobs import ArrivingJobs
from tests.feedback_support import complete_repair, feedback_rows, requests_queued

TZ = "Europe/Moscow"
JOINED = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
COMPLETED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 15:00 on 20 November in Moscow
ASK_DAY = date(2026, 11, 21)
EARLY = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # 06:00 in Moscow, before ask_at
ELEVEN = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # 11:00 in Moscow


def _jobs(uow_factory, clock, rules):
    return ArrivingJobs(build_jobs(JobDeps(uow_factory, clock, rules, TZ)), clock, TZ)


async def _member_with_repair(uow_factory, rules, phone="+79161234567", order="R-1", at=COMPLETED) -> int:
    result = await registered(uow_factory(), rules, JOINED, phone)
    await complete_repair(uow_factory, rules, order, phone, at)
    assert result.customer.id is not None
    return result.customer.id


async def test_a_repair_completed_yesterday_is_asked_at_eleven_today_once(engine, uow_factory, clock, rules):
    cid = await _member_with_repair(uow_factory, rules)
    clock.set(EARLY)
    jobs = _jobs(uow_factory, clock, rules)
    first = await jobs.run("feedback_requests", ASK_DAY)
    again = await jobs.run("feedback_requests", ASK_DAY)
    assert (first.status, first.counts["asked"]) == (RunStatus.DONE, 1)
    assert again.status is RunStatus.ALREADY_DONE
    # the work itself, once more without the claim: insert-or-ignore and the dedupe key hold
    redo = await FeedbackRequests().run(JobDeps(uow_factory, clock, rules, TZ), ASK_DAY)
    assert redo.counts["asked"] == 0
    [row] = await feedback_rows(engine)
    assert (row["order_id"], row["customer_id"], row["score"]) == ("R-1", cid, None)
    assert row["asked_at"] == ELEVEN and row["expires_at"] == ELEVEN + timedelta(days=7)
    [message] = await requests_queued(engine)
    assert message["dedupe_key"] == "feedback:R-1" and message["next_attempt_at"] == ELEVEN
    assert message["marketing"] is False  # a service message about the customer's own repair


async def test_not_asked_on_the_day_of_completion_nor_for_another_days_repairs(
    engine, uow_factory, clock, rules
):
    await _member_with_repair(uow_factory, rules)
    jobs = _jobs(uow_factory, clock, rules)
    clock.set(datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    assert (await jobs.run("feedback_requests", date(2026, 11, 20))).counts["asked"] == 0
    clock.set(datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    assert (await jobs.run("feedback_requests", date(2026, 11, 22))).counts["asked"] == 0
    assert await feedback_rows(engine) == []


async def test_delay_days_moves_the_day_asked(engine, uow_factory, clock, rules):
    later = dataclasses.replace(rules, feedback=dataclasses.replace(rules.feedback, delay_days=3))
    await _member_with_repair(uow_factory, later)
    clock.set(datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    jobs = _jobs(uow_factory, clock, later)
    assert (await jobs.run("feedback_requests", date(2026, 11, 22))).counts["asked"] == 0
    assert (await jobs.run("feedback_requests", date(2026, 11, 23))).counts["asked"] == 1


async def test_a_run_that_comes_in_the_quiet_hours_sends_when_they_end(engine, uow_factory, clock, rules):
    await _member_with_repair(uow_factory, rules)
    clock.set(datetime(2026, 11, 21, 19, 30, tzinfo=UTC))  # 22:30 in Moscow: quiet from 21:00
    assert (await _jobs(uow_factory, clock, rules).run("feedback_requests", ASK_DAY)).counts["asked"] == 1
    [message] = await requests_queued(engine)
    assert message["next_attempt_at"] == datetime(2026, 11, 22, 6, 0, tzinfo=UTC)  # 09:00 the next day


async def test_not_asked_for_a_cancelled_repair_a_deleted_customer_or_a_non_member(
    engine, uow_factory, clock, rules
):
    await _member_with_repair(uow_factory, rules, "+79161234501", "R-1")
    await complete_repair(uow_factory, rules, "R-1", "+79161234501", COMPLETED + timedelta(hours=2),
                          RepairStatus.CANCELLED)  # fmt: skip
    gone = await _member_with_repair(uow_factory, rules, "+79161234502", "R-2")
    async with uow_factory() as uow:
        await delete_customer(uow, gone, COMPLETED + timedelta(hours=3))
        await uow.commit()
    await complete_repair(uow_factory, rules, "R-3", "+79161234503", COMPLETED)  # never joined
    asked = await _member_with_repair(uow_factory, rules, "+79161234504", "R-4")
    clock.set(EARLY)
    result = await _jobs(uow_factory, clock, rules).run("feedback_requests", ASK_DAY)
    assert result.counts["asked"] == 1
    assert [(r["order_id"], r["customer_id"]) for r in await feedback_rows(engine)] == [("R-4", asked)]


async def test_two_replicas_at_once_ask_once(database, engine, clock, rules, uow_factory):
    for i in range(4):
        await _member_with_repair(uow_factory, rules, f"+7916123450{i}", f"R-{i}")
    clock.set(EARLY)
    other = database.engine()
    try:
        a = ArrivingJobs(build_jobs(JobDeps(uow_on(engine, rules), clock, rules, TZ)), clock, TZ)
        b = ArrivingJobs(build_jobs(JobDeps(uow_on(other, rules), clock, rules, TZ)), clock, TZ)
        results = await asyncio.gather(
            a.run("feedback_requests", ASK_DAY), b.run("feedback_requests", ASK_DAY)
        )
        assert sorted(r.status for r in results) == [RunStatus.ALREADY_DONE, RunStatus.DONE]
        # and the work itself on both replicas at once, past the claim
        runs = [
            FeedbackRequests().run(JobDeps(uow_on(e, rules), clock, rules, TZ), ASK_DAY)
            for e in (engine, other)
        ]
        redo = await asyncio.gather(*runs)
    finally:
        await other.dispose()
    assert sum(r.counts["asked"] for r in redo) == 0
    assert len(await feedback_rows(engine)) == len(await requests_queued(engine)) == 4


async def test_the_job_runs_at_the_rules_ask_at():
    rules = parse_rules(DEFAULT_RULES.read_text(encoding="utf-8"))
    [job] = [j for j in all_jobs(rules) if j.name == "feedback_requests"]
    assert job.cron == "0 11 * * *"
    assert FeedbackRequests(time(12, 30)).cron == "30 12 * * *"


def test_an_ask_at_in_the_quiet_hours_is_refused_naming_the_key():
    text = DEFAULT_RULES.read_text(encoding="utf-8").replace('ask_at = "11:00"', 'ask_at = "08:30"')
    with pytest.raises(RulesError, match=r"feedback\.ask_at 08:30 is in the quiet hours \(21:00-09:00\)"):
        parse_rules(text)
