"""Badges against the real store (SQLite and PostgreSQL): each awarded once, by its event, announced once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import sqlalchemy as sa

from domain.badges import BadgeCondition
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairItem, RepairStatus
from domain.services.badges import award_badges
from domain.services.privacy import delete_customer
from domain.services.repairs import record_repair_event
from domain.services.tiers import review_member_tier
from messages import Renderer
from store.tables import outbox
from store.tables_badges import customer_badges
from tests.builders import registered, uow_on
from tests.conftest import NOW
from tests.tier_review_support import member_with_spend

MEMBER = "+79160000001"


def _completed(
    event_id: str, order_id: str, phone: str = MEMBER, amount: int = 1_000_000
) -> RecordRepairEvent:
    return RecordRepairEvent(
        event_id=event_id,
        type=RepairEventType.COMPLETED,
        order_id=order_id,
        phone=phone,
        status=RepairStatus.COMPLETED,
        device_category=DeviceCategory.PHONE,
        occurred_at=NOW,
        amount_minor=amount,
        items=(RepairItem("Экран", "repair", amount),),
    )


async def _record(uow_factory, rules, event, now=NOW):
    async with uow_factory() as uow:
        outcome = await record_repair_event(uow, rules, event, now)
        await uow.commit()
        return outcome


async def _member(uow_factory, rules, phone=MEMBER, **kw) -> int:
    cid = (await registered(uow_factory(), rules, NOW, phone, **kw)).customer.id
    assert cid is not None
    return cid


async def _badges(engine, customer_id: int) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(customer_badges.c.badge_key)
            .where(customer_badges.c.customer_id == customer_id)
            .order_by(customer_badges.c.id)
        )
        return [r[0] for r in rows]


async def _announcements(engine) -> list[tuple[int, str, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.customer_id, outbox.c.context, outbox.c.dedupe_key)
            .where(outbox.c.template == "badge_awarded")
            .order_by(outbox.c.id)
        )
        return [(r[0], r[1]["badge_key"], r[2]) for r in rows]


async def test_the_first_completed_repair_awards_first_repair_once_and_announces_it(
    uow_factory, rules, engine
):
    cid = await _member(uow_factory, rules)
    await _record(uow_factory, rules, _completed("e1", "R-1"))
    await _record(uow_factory, rules, _completed("e1", "R-1"))  # the same event replayed
    await _record(uow_factory, rules, _completed("e2", "R-2"))  # a later repair
    assert await _badges(engine, cid) == ["first_repair"]
    assert await _announcements(engine) == [(cid, "first_repair", f"badge:{cid}:first_repair")]


async def test_the_fifth_completed_repair_awards_five_repairs_and_the_fourth_does_not(
    uow_factory, rules, engine
):
    cid = await _member(uow_factory, rules)
    for n in range(1, 5):
        await _record(uow_factory, rules, _completed(f"e{n}", f"R-{n}", amount=10_000))
    assert await _badges(engine, cid) == ["first_repair"]
    await _record(uow_factory, rules, _completed("e5", "R-5", amount=10_000))
    await _record(uow_factory, rules, _completed("e6", "R-6", amount=10_000))
    assert await _badges(engine, cid) == ["first_repair", "five_repairs"]
    assert [key for _, key, _ in await _announcements(engine)] == ["first_repair", "five_repairs"]


async def test_the_third_friend_registered_with_the_link_awards_three_friends(uow_factory, rules, engine):
    referrer = (await registered(uow_factory(), rules, NOW, MEMBER)).customer
    for n in range(2, 4):
        await _member(uow_factory, rules, f"+7916000000{n}", referral_code=referrer.referral_code)
    assert await _badges(engine, referrer.id) == []
    await _member(uow_factory, rules, "+79160000004", referral_code=referrer.referral_code)
    await _member(uow_factory, rules, "+79160000005", referral_code=referrer.referral_code)
    assert await _badges(engine, referrer.id) == ["three_friends"]
    assert await _announcements(engine) == [
        (referrer.id, "three_friends", f"badge:{referrer.id}:three_friends")
    ]


async def test_a_repair_that_lifts_the_member_to_gold_awards_gold_reached_once(uow_factory, rules, engine):
    cid = await _member(uow_factory, rules)
    outcome = await _record(uow_factory, rules, _completed("e1", "R-1", amount=5_000_000))
    assert outcome.tier_upgrade is not None and outcome.tier_upgrade.key == "gold"
    assert await _badges(engine, cid) == ["first_repair", "gold_reached"]
    assert [key for _, key, _ in await _announcements(engine)] == ["first_repair", "gold_reached"]


async def test_the_monthly_review_that_lifts_the_member_to_gold_awards_gold_reached(
    uow_factory, rules, engine
):
    cid = await member_with_spend(
        uow_factory,
        rules,
        MEMBER,
        tier="silver",
        changed_at=None,
        repairs=[(NOW - timedelta(days=30), 6_000_000)],
    )
    async with uow_factory() as uow:
        await review_member_tier(
            uow, rules, customer_id=cid, day=NOW.date(), timezone="Europe/Moscow", now=NOW
        )
        await uow.commit()
    assert "gold_reached" in await _badges(engine, cid)
    assert (cid, "gold_reached", f"badge:{cid}:gold_reached") in await _announcements(engine)


async def test_silver_is_not_gold(uow_factory, rules, engine):
    cid = await _member(uow_factory, rules)
    outcome = await _record(uow_factory, rules, _completed("e1", "R-1", amount=1_500_000))
    assert outcome.tier_upgrade is not None and outcome.tier_upgrade.key == "silver"
    assert await _badges(engine, cid) == ["first_repair"]


async def test_awarding_again_the_same_day_changes_nothing(uow_factory, rules, engine):
    cid = await _member(uow_factory, rules)
    await _record(uow_factory, rules, _completed("e1", "R-1"))
    async with uow_factory() as uow:
        assert await award_badges(uow, rules, cid, NOW) == []
        await uow.commit()
    assert await _badges(engine, cid) == ["first_repair"]
    assert len(await _announcements(engine)) == 1


class _PausingBadges:
    """The badge repository, stopping after the held-badges read until told to go on."""

    def __init__(self, inner, gate: asyncio.Event) -> None:
        self.inner, self.gate = inner, gate

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def of_customer(self, customer_id: int):
        held = await self.inner.of_customer(customer_id)
        await self.gate.wait()
        return held


async def test_two_sessions_awarding_at_once_insert_one_row_and_one_announcement(
    uow_factory, rules, engine, database
):
    cid = await _member(uow_factory, rules)
    await _record(uow_factory, rules, _completed("e1", "R-1"))
    async with engine.begin() as conn:  # as if the repair had come before the badge existed
        await conn.execute(sa.delete(customer_badges))
        await conn.execute(sa.delete(outbox).where(outbox.c.template == "badge_awarded"))
    gate = asyncio.Event()
    replicas = [database.engine(), database.engine()]
    try:

        async def award(factory) -> list[str]:
            async with factory() as uow:
                uow.badges = _PausingBadges(uow.badges, gate)
                awarded = await award_badges(
                    uow, rules, cid, NOW, conditions=frozenset({BadgeCondition.REPAIRS})
                )
                await uow.commit()
                return awarded

        tasks = [asyncio.create_task(award(uow_on(e, rules))) for e in replicas]
        await asyncio.sleep(0.5)  # both have read "not held" (PostgreSQL) or one waits for the lock (SQLite)
        gate.set()
        results = await asyncio.gather(*tasks)
    finally:
        for e in replicas:
            await e.dispose()
    assert sorted(results) == [[], ["first_repair"]]
    assert await _badges(engine, cid) == ["first_repair"]
    assert await _announcements(engine) == [(cid, "first_repair", f"badge:{cid}:first_repair")]


async def test_a_deleted_member_gets_no_badge(uow_factory, rules, engine, clock):
    cid = await _member(uow_factory, rules)
    async with uow_factory() as uow:
        await delete_customer(uow, cid, clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        assert await award_badges(uow, rules, cid, NOW) == []
        await uow.commit()
    await _record(uow_factory, rules, _completed("e1", "R-1"))
    assert await _badges(engine, cid) == []
    assert await _announcements(engine) == []


async def test_the_announcement_names_the_badge_in_the_members_language(uow_factory, rules, engine):
    ru = await _member(uow_factory, rules)
    en = await _member(uow_factory, rules, "+79160000009", locale="en")
    await _record(uow_factory, rules, _completed("e1", "R-1"))
    await _record(uow_factory, rules, _completed("e2", "R-2", phone="+79160000009"))
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.select(outbox.c.customer_id, outbox.c.context).where(outbox.c.template == "badge_awarded")
            )
        ).all()
    contexts = dict(rows)
    renderer = Renderer()
    assert "<b>Новый значок: Первый ремонт</b>" in renderer.render(
        "badge_awarded", "ru", "telegram", **contexts[ru]
    )
    assert "Он уже в вашем профиле." in renderer.render("badge_awarded", "ru", "telegram", **contexts[ru])
    assert "<b>New badge: First repair</b>" in renderer.render(
        "badge_awarded", "en", "telegram", **contexts[en]
    )
