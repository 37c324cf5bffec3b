"""The reads the /admin pages add: the newest campaigns with their results, and a member's whole card,
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.errors import CustomerNotFound
from domain.ledger import EntryKind
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.customer_card import read_customer_card
from domain.services.points import adjust_points
from domain.services.privacy import delete_customer
from domain.services.reports import recent_campaign_results
from tests import kpi_data as shop
from tests.builders import registered

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


async def test_the_newest_campaigns_come_first_with_the_same_results_as_the_report_port(
    engine: AsyncEngine, uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    await shop.campaign_shop(engine)
    async with uow_factory() as uow:
        every = await recent_campaign_results(uow, rules, limit=10)
        two = await recent_campaign_results(uow, rules, limit=2)
        direct = await uow.reports.campaign_results(1, rules)
    assert [c.name for c, _ in every] == ["never ran", "without holdout", "with holdout"]
    assert [c.id for c, _ in two] == [3, 2]
    assert every[-1][1] == direct
    assert every[-1][1].lift_minor == 140000 and every[1][1].lift_minor is None


async def test_a_members_card_holds_profile_channels_ledger_pages_repairs_badges_and_referrals(
    uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    member = (await registered(uow_factory(), rules, NOW, "+79161234567")).customer
    assert member.id is not None
    async with uow_factory() as uow:
        for i, points in enumerate((40, -15)):
            await adjust_points(
                uow,
                customer_id=member.id,
                points=points,
                reason=f"correction {i}",
                author="admin:Анна:abcd1234",
                source_key=f"adjustment:admin:{i}",
                now=NOW,
                expires_in_days=365,
            )
        await uow.commit()
    async with uow_factory() as uow:
        card = await read_customer_card(uow, member.id, ledger_limit=2)
        older = await read_customer_card(uow, member.id, ledger_limit=2, before_id=card.ledger[-1].id)
    assert card.customer.phone == "+79161234567" and card.customer.pd_consent_at is not None
    assert [i.channel.value for i in card.channels] == ["telegram"]
    assert [(e.points, e.author) for e in card.ledger] == [
        (-15, "admin:Анна:abcd1234"),
        (40, "admin:Анна:abcd1234"),
    ]
    assert card.more_ledger is True
    assert [e.kind for e in older.ledger] == [EntryKind.WELCOME] and older.more_ledger is False
    assert card.repairs == () and card.badges == ()
    assert (card.referrals.joined, card.referrals.pending, card.referrals.rewarded) == (0, 0, 0)


async def test_an_unknown_or_deleted_customer_has_no_card(
    uow_factory: Callable[[], UnitOfWork], rules: ProgramRules
) -> None:
    member = (await registered(uow_factory(), rules, NOW, "+79161234500")).customer
    assert member.id is not None
    async with uow_factory() as uow:
        await delete_customer(uow, member.id, NOW)
        await uow.commit()
    async with uow_factory() as uow:
        for customer_id in (member.id, 987654):
            with pytest.raises(CustomerNotFound):
                await read_customer_card(uow, customer_id)
