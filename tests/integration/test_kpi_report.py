"""The KPI report and campaign results on a hand-worked shop, on SQLite and PostgreSQL.

Every expected number below was worked out by hand from tests/kpi_data.py (see docs/kpi.md for
the definitions); none is recomputed here by the formula under test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.ports import UnitOfWork
from domain.reports import CampaignResults, KpiReport, LtvPoint, PointsMonth, TierCount, kpi_period
from domain.rules import ProgramRules
from tests import kpi_data as shop

TZ = "Europe/Moscow"
NOVEMBER = kpi_period(date(2026, 11, 1), date(2026, 11, 30), date(2026, 12, 2), TZ)


async def report(
    uow_factory: Callable[[], UnitOfWork], rules: ProgramRules, first: date, last: date
) -> KpiReport:
    async with uow_factory() as uow:
        return await uow.reports.kpi(kpi_period(first, last, date(2026, 12, 2), TZ), rules, TZ)


async def results(
    uow_factory: Callable[[], UnitOfWork], rules: ProgramRules, cid: int
) -> CampaignResults | None:
    async with uow_factory() as uow:
        return await uow.reports.campaign_results(cid, rules)


async def test_member_kpis_of_november_count_the_first_and_last_second_of_the_period(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    await shop.november_shop(engine)
    r = await report(uow_factory, rules, date(2026, 11, 1), date(2026, 11, 30))
    m = r.members
    assert (m.members, m.members_at_start, m.new_members) == (3, 3, 1)  # A B C; A B D; C
    assert r.retention_rate == Decimal("0.6667")  # (3 - 1) / 3
    assert (m.churn_base, m.churned, r.churn_rate) == (2, 1, Decimal("0.5"))  # A and B; B
    assert (m.customers_seen, m.members_seen, r.participation_rate) == (3, 1, Decimal("0.3333"))
    assert (m.member_repairs, m.member_revenue_minor, r.avg_check_members_minor) == (2, 600000, 300000)
    assert (m.non_member_repairs, m.non_member_revenue_minor, r.avg_check_non_members_minor) == (
        3,
        300000,
        100000,
    )
    assert r.repeat_visit_rate == Decimal("1")
    assert (m.lifetime_revenue_minor, r.ltv_minor) == (1000000, 333333)  # 10 000.00 / 3
    assert m.ltv_trend == (LtvPoint("2026-11", 3, 333333),)


async def test_ltv_trend_gives_each_month_its_members_and_their_revenue_so_far(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    await shop.november_shop(engine)
    r = await report(uow_factory, rules, date(2026, 10, 1), date(2026, 11, 30))
    # end of October: A B D, 1000 + 3000 + 1000; end of November: A B C, 7000 + 3000 + 0
    assert r.members.ltv_trend == (LtvPoint("2026-10", 3, 166667), LtvPoint("2026-11", 3, 333333))
    assert r.points.by_month == (PointsMonth("2026-10", 0, 0, 0), PointsMonth("2026-11", 190, 100, 70))
    # today's members (E joined since; D is deleted) by their tier now
    assert r.members.tiers == (TierCount("bronze", 3), TierCount("silver", 1))


async def test_points_net_out_reversals_under_the_kind_they_reverse(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    await shop.november_shop(engine)
    r = await report(uow_factory, rules, date(2026, 11, 1), date(2026, 11, 30))
    p = r.points
    # 120 earned + 500 birthday - 500 reversed + 30 - 10 adjusted + 50 campaign
    assert (p.issued, p.credits) == (190, 4)
    assert p.redeemed == 100  # 100 + 40 spent, 40 given back
    assert p.expired == 70  # 20 expired, 50 forfeited on deletion
    assert p.outstanding == 470  # A 240, B 180, C 50, D 0
    assert p.bonuses_spent == 50  # of A's 100, 50 came from the welcome lot
    assert (r.redemption_rate, r.breakage) == (Decimal("0.5263"), Decimal("0.3684"))
    assert (r.liability_minor, r.avg_reward_minor) == (47000, 4750)


async def test_program_cost_and_roi_over_the_member_vs_non_member_difference(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    await shop.november_shop(engine)
    r = await report(uow_factory, rules, date(2026, 11, 1), date(2026, 11, 30))
    assert r.costs.messages_by_channel == {"telegram": 2, "whatsapp": 3}
    assert r.costs.messaging_minor == 1650  # 3 x 5.50, Telegram free
    assert r.program_cost_minor == 11650  # 100.00 redeemed + 16.50
    assert r.roi_basis == "members_vs_non_members"
    assert r.attributable_revenue_minor == 400000  # (3000.00 - 1000.00) x 2 member repairs
    assert r.roi == Decimal("33.3348")  # (4000.00 - 116.50) / 116.50
    assert r.csat == Decimal("0.75")  # 5, 2, 4, 4 answered in November: three of four are 4 or 5


async def test_message_prices_come_from_the_rules(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    await shop.november_shop(engine)
    priced = replace(rules, kpi=replace(rules.kpi, message_price_minor={"telegram": 100, "whatsapp": 0}))
    r = await report(uow_factory, priced, date(2026, 11, 1), date(2026, 11, 30))
    assert r.costs.messaging_minor == 200


async def test_an_empty_database_reports_zeros_and_no_rates(
    uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    r = await report(uow_factory, rules, date(2026, 11, 1), date(2026, 11, 30))
    assert (r.members.members, r.points.issued, r.points.outstanding, r.program_cost_minor) == (0, 0, 0, 0)
    assert r.participation_rate is r.retention_rate is r.churn_rate is r.repeat_visit_rate is None
    assert r.avg_check_members_minor is r.ltv_minor is r.redemption_rate is r.breakage is None
    assert r.roi is r.attributable_revenue_minor is r.avg_reward_minor is None


async def test_campaign_with_holdout_compares_reached_recipients_with_the_holdout(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    await shop.campaign_shop(engine)
    res = await results(uow_factory, rules, 1)
    assert res is not None
    assert (res.runs, res.recipients, res.delivered, res.holdout) == (1, 3, 2, 2)
    # X1: 3000.00 and 1000.00 exactly 30 days after delivery; X2's repair a second too late
    assert (res.reached.customers, res.reached.repairs, res.reached.revenue_minor) == (2, 2, 400000)
    assert (res.held_out.customers, res.held_out.repairs, res.held_out.revenue_minor) == (2, 1, 120000)
    assert (res.lift_minor, res.lift_rate) == (140000, Decimal("2.3333"))  # 2000.00 - 600.00
    assert res.incremental_revenue_minor == 280000
    assert (res.bonus_points, res.messaging_minor, res.cost_minor) == (100, 550, 10550)
    assert res.roi == Decimal("25.5403")  # (2800.00 - 105.50) / 105.50

    r = await report(uow_factory, rules, date(2026, 11, 1), date(2026, 11, 30))
    assert (r.roi_basis, r.attributable_revenue_minor) == ("holdout", 280000)


async def test_campaign_without_holdout_has_no_lift_and_no_roi(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    await shop.campaign_shop(engine)
    res = await results(uow_factory, rules, 2)
    assert res is not None
    assert (res.recipients, res.delivered, res.holdout) == (1, 1, 0)
    assert (res.reached.customers, res.reached.repairs, res.reached.revenue_minor) == (1, 1, 100000)
    assert res.lift_minor is res.lift_rate is res.roi is None
    never = await results(uow_factory, rules, 3)
    assert never is not None and (never.runs, never.recipients, never.reached.customers) == (0, 0, 0)
    assert await results(uow_factory, rules, 99) is None


@pytest.mark.parametrize("months", [1, 120])
async def test_the_report_is_a_fixed_number_of_statements_whatever_the_period(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules, months: int
) -> None:
    await shop.november_shop(engine)
    await shop.campaign_shop(engine)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        first = date(2026, 11, 1) if months == 1 else date(2016, 12, 1)
        await report(uow_factory, rules, first, date(2026, 11, 30))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 13, selects  # the 13th: CSAT, one statement over repair_feedback
