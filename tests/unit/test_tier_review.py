"""The monthly tier review with fakes: what it decides, what it records, and how its message reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.services.tiers import review_member_tier
from domain.tiers import ReviewDecision, review_month
from messages import Renderer
from tests.fakes import FakeUnitOfWork
from tests.samples.tiers import SAMPLES
from tests.tier_review_support import RUB, member_with_spend

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
SPRING = datetime(2026, 4, 10, tzinfo=UTC)


async def _review(
    uow: FakeUnitOfWork, rules, cid: int, day: date = date(2026, 12, 1)
) -> ReviewDecision | None:
    async with uow:
        decision = await review_member_tier(
            uow, rules, customer_id=cid, day=day, timezone="Europe/Moscow", now=NOW
        )
        await uow.commit()
    return decision


def test_the_review_belongs_to_the_month_of_its_date():
    assert review_month(date(2026, 12, 1)) == review_month(date(2026, 12, 31)) == "2026-12"


async def test_a_downgrade_records_its_event_and_the_reaction_tells_the_member_once(rules):
    uow = FakeUnitOfWork()
    cid = await member_with_spend(
        lambda: uow, rules, "+79161234501", tier="platinum", changed_at=None, repairs=[(SPRING, 55_000 * RUB)]
    )
    assert await _review(uow, rules, cid) is ReviewDecision.DOWNGRADED
    assert await _review(uow, rules, cid) is ReviewDecision.KEPT  # the same month again: nothing more
    customer = uow.store.customers[cid]
    assert (customer.tier, customer.tier_changed_at) == ("gold", NOW)
    told = [m for m in uow.store.outbox.values() if m.template == "tier_downgraded"]
    assert [(m.dedupe_key, m.context["to_regain_minor"], m.marketing) for m in told] == [
        (f"tier_downgraded:{cid}:2026-12", 65_000 * RUB, False)
    ]


async def test_a_deleted_member_is_not_reviewed(rules):
    uow = FakeUnitOfWork()
    cid = await member_with_spend(
        lambda: uow, rules, "+79161234501", tier="gold", changed_at=None, repairs=[]
    )
    uow.store.customers[cid].deleted_at = NOW
    assert await _review(uow, rules, cid) is None
    assert uow.store.customers[cid].tier == "gold"


renderer = Renderer()


@pytest.mark.parametrize(
    ("days", "spent", "short", "ru", "en"),
    [
        (
            365,
            20_000,
            30_000,
            "за 365 дней вы оплатили ремонты на 20 000 ₽",
            "within 365 days reach 50,000 RUB again: 30,000 RUB to go",
        ),
        (
            31,
            49_999,
            1,
            "за 31 день вы оплатили ремонты на 49 999 ₽",
            "within 31 days reach 50,000 RUB again",
        ),
        (
            2,
            1_500,
            48_500,
            "за 2 дня вы оплатили ремонты на 1 500 ₽",
            "over the last 2 days came to 1,500 RUB",
        ),
        (21, 0, 50_000, "за 21 день оплаченных ремонтов не было", "no paid repairs over the last 21 days"),
    ],
)
def test_the_downgrade_message_names_the_tier_its_rate_and_what_regains_the_old_one(
    days, spent, short, ru, en
):
    context = dict(
        SAMPLES["tier_downgraded"], window_days=days, spent_minor=spent * RUB, to_regain_minor=short * RUB
    )
    russian = renderer.render("tier_downgraded", "ru", "telegram", **context).replace(
        "\N{NO-BREAK SPACE}", " "
    )
    assert russian.startswith("<b>Ваш уровень изменился: Серебро</b>")
    assert ru in russian and "вы получаете 5% баллами" in russian
    days_word = ru.split()[2]  # the window's days agree with their number: 21 день, 2 дня, 365 дней
    regain = f"сумма ремонтов за {days} {days_word} снова достигнет 50 000 ₽: сейчас не хватает {short:,} ₽"
    assert regain.replace(",", " ") in russian
    english = renderer.render("tier_downgraded", "en", "whatsapp", **context)
    assert english.startswith("*Your tier is now Silver*")
    assert en in english and "5% back in points" in english and "Gold comes back" in english
