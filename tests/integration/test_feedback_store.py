"""Feedback in the store, on both databases: one answer per repair under concurrency, the comment
erased and the score kept when the customer deletes their account, and the export."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from domain.customers import Channel
from domain.feedback import FeedbackOutcome
from domain.reports import kpi_period
from domain.services.feedback import comment_on_repair, rate_repair
from domain.services.privacy import delete_customer, export_customer_data
from scheduler.jobs import JobDeps
from scheduler.jobs.feedback_requests import FeedbackRequests
from store.tables_feedback import repair_feedback
from tests.builders import registered
from tests.feedback_support import complete_repair, feedback_rows

TZ = "Europe/Moscow"
JOINED = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
COMPLETED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ELEVEN = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


async def _asked(uow_factory, clock, rules) -> tuple[int, int]:
    result = await registered(uow_factory(), rules, JOINED, "+79161234567")
    await complete_repair(uow_factory, rules, "R-1", "+79161234567", COMPLETED)
    clock.set(ELEVEN)
    await FeedbackRequests().run(JobDeps(uow_factory, clock, rules, TZ), date(2026, 11, 21))
    async with uow_factory() as uow:
        request = await uow.feedback.of_order("R-1")
    assert result.customer.id is not None and request is not None and request.id is not None
    return result.customer.id, request.id


async def test_two_scores_at_once_keep_one(engine, uow_factory, clock, rules):
    cid, fid = await _asked(uow_factory, clock, rules)

    async def rate(score: int):
        async with uow_factory() as uow:
            result = await rate_repair(uow, rules.feedback, cid, fid, score, Channel.TELEGRAM, clock.now())
            await uow.commit()
            return result.outcome

    outcomes = await asyncio.gather(rate(2), rate(5))
    assert sorted(outcomes) == sorted([FeedbackOutcome.RECORDED, FeedbackOutcome.ALREADY_ANSWERED])
    [row] = await feedback_rows(engine)
    assert row["score"] in (2, 5)


async def test_a_second_request_for_one_repair_is_refused_by_the_database(engine, uow_factory, clock, rules):
    await _asked(uow_factory, clock, rules)
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(
                sa.insert(repair_feedback).values(order_id="R-1", asked_at=ELEVEN, expires_at=ELEVEN)
            )


async def test_deleting_the_account_erases_the_comment_and_keeps_the_anonymous_score_for_csat(
    engine, uow_factory, clock, rules
):
    cid, fid = await _asked(uow_factory, clock, rules)
    async with uow_factory() as uow:
        await rate_repair(uow, rules.feedback, cid, fid, 5, Channel.WHATSAPP, clock.now())
        await comment_on_repair(
            uow, rules.feedback, cid, fid, "Мастер Иван молодец", Channel.WHATSAPP, clock.now()
        )
        await uow.commit()
    async with uow_factory() as uow:
        exported = await export_customer_data(uow, cid)
    assert exported["feedback"] == [
        {
            "order_id": "R-1",
            "asked_at": ELEVEN.isoformat(),
            "score": 5,
            "answered_at": ELEVEN.isoformat(),
            "comment": "Мастер Иван молодец",
        }
    ]
    async with uow_factory() as uow:
        await delete_customer(uow, cid, clock.now() + timedelta(hours=1))
        await uow.commit()
    [row] = await feedback_rows(engine)
    assert (row["customer_id"], row["comment"], row["score"]) == (None, None, 5)
    async with uow_factory() as uow:
        report = await uow.reports.kpi(
            kpi_period(date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 2), TZ), rules, TZ
        )
    assert report.csat is not None and report.csat == 1
