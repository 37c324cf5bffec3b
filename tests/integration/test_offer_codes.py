"""Personal offer codes in the store, on SQLite and PostgreSQL: issued once per period, used once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.rules_file import load_rules
from domain.offer_codes import (
    OfferCode,
    OfferCodeAlreadyUsed,
    OfferCodeExpired,
    OfferCodeNotFound,
    OfferCodeStatus,
)
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.rules import Offer
from domain.segments import parse_segment_filter
from domain.services.offer_codes import find_offer_code, personal_code, use_offer_code
from domain.services.privacy import delete_customer
from domain.services.repairs import record_repair_event
from domain.services.views import get_offers_view
from store.tables_offers import offer_codes
from tests.builders import registered
from tests.offer_support import completed_phone_repair

TODAY = date(2026, 11, 22)  # the shop's day at the clock fixture's NOW
RULES = load_rules()


def _offer(rules, key: str) -> Offer:
    return next(o for o in rules.offers if o.key == key)


async def _member_with_a_phone_repair(uow_factory, rules, clock) -> int:
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        await record_repair_event(
            uow,
            rules,
            RecordRepairEvent(
                event_id="evt-1",
                type=RepairEventType.COMPLETED,
                order_id="R-1",
                phone="+79161234567",
                status=RepairStatus.COMPLETED,
                device_category=DeviceCategory.PHONE,
                occurred_at=clock.now() - timedelta(days=3),
                amount_minor=4_000_00,
            ),
            clock.now(),
        )
        await uow.commit()
    return cid


async def _show(uow_factory, rules, clock, cid: int, today: date = TODAY):
    async with uow_factory() as uow:
        customer = await uow.customers.get(cid)
        view = await get_offers_view(uow, rules, customer, clock.now(), today)
        await uow.commit()
    return {o.key: o for o in view.offers}


async def _use(uow_factory, code: str, today: date = TODAY, clock=None):
    async with uow_factory() as uow:
        used = await use_offer_code(uow, RULES, code, today, clock.now(), "api:admin:desk")
        await uow.commit()
    return used


async def _rows(engine) -> list:
    async with engine.connect() as conn:
        return list(await conn.execute(sa.select(offer_codes).order_by(offer_codes.c.id)))


async def test_a_shop_offer_gets_its_code_on_first_show_and_the_same_code_every_show_after(
    engine, uow_factory, rules, clock
):
    cid = await _member_with_a_phone_repair(uow_factory, rules, clock)
    first = await _show(uow_factory, rules, clock, cid)
    again = await _show(uow_factory, rules, clock, cid, TODAY + timedelta(days=10))
    accessories = first["phone_accessories"]
    assert accessories.code and accessories.code == again["phone_accessories"].code
    assert accessories.code_valid_until == TODAY + timedelta(days=rules.offers_code_valid_days - 1)
    assert [(r.customer_id, r.offer_key) for r in await _rows(engine)] == [(cid, "phone_accessories")]


async def test_a_partner_offer_shows_the_partners_promo_code_and_gets_no_personal_code(
    engine, uow_factory, rules, clock
):
    cid = await _member_with_a_phone_repair(uow_factory, rules, clock)
    async with uow_factory() as uow:
        customer = await uow.customers.get(cid)
        customer.tier = "silver"
        await uow.customers.update(customer)
        await uow.commit()
    shown = await _show(uow_factory, rules, clock, cid)
    assert shown["partner_insurance"].promo_code == "REPAIR10" and shown["partner_insurance"].code is None
    assert {r.offer_key for r in await _rows(engine)} == {"phone_accessories"}


async def test_two_first_shows_at_once_issue_one_code(engine, uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    offer = _offer(rules, "phone_accessories")

    async def show() -> str:
        async with uow_factory() as uow:
            code = await personal_code(uow, rules, cid, offer, TODAY, clock.now())
            await uow.commit()
        return code.code

    codes = await asyncio.gather(*[show() for _ in range(6)])
    assert len(set(codes)) == 1
    assert len(await _rows(engine)) == 1


async def test_a_clash_with_another_customers_code_is_retried_with_a_new_code(uow_factory, rules, clock):
    one = (await registered(uow_factory(), rules, clock.now())).customer.id
    two = (await registered(uow_factory(), rules, clock.now(), phone="+79161234568")).customer.id
    offer = _offer(rules, "phone_accessories")
    async with uow_factory() as uow:
        taken = await personal_code(uow, rules, one, offer, TODAY, clock.now())
        clashing = OfferCode(taken.code, two, offer.key, taken.valid_until, clock.now())
        issued = await uow.offer_codes.issue(clashing)
        await uow.commit()
    assert issued.code != taken.code and issued.customer_id == two


async def test_an_open_ended_offers_code_expires_after_the_rules_term_and_the_next_show_issues_a_new_one(
    uow_factory, rules, clock
):
    cid = await _member_with_a_phone_repair(uow_factory, rules, clock)
    first = (await _show(uow_factory, rules, clock, cid))["phone_accessories"]
    last_day = first.code_valid_until
    assert (await _show(uow_factory, rules, clock, cid, last_day))["phone_accessories"].code == first.code
    later = (await _show(uow_factory, rules, clock, cid, last_day + timedelta(days=1)))["phone_accessories"]
    assert later.code != first.code
    async with uow_factory() as uow:
        old = await find_offer_code(uow, RULES, first.code)
    assert old.status(last_day) == OfferCodeStatus.ISSUED
    assert old.status(last_day + timedelta(days=1)) == OfferCodeStatus.EXPIRED


async def test_an_offer_with_an_end_gives_a_code_valid_to_that_day(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    ending = replace(_offer(rules, "phone_accessories"), valid_until=date(2026, 12, 31))
    async with uow_factory() as uow:
        code = await personal_code(uow, rules, cid, ending, TODAY, clock.now())
        await uow.commit()
    assert code.valid_until == date(2026, 12, 31)


async def test_a_code_is_used_once_and_a_second_use_is_refused_without_change(
    engine, uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        code = (await personal_code(uow, rules, cid, _offer(rules, "win_back"), TODAY, clock.now())).code
        await uow.commit()
    used = await _use(uow_factory, code, clock=clock)
    assert used.status(TODAY) == OfferCodeStatus.USED and used.used_by == "api:admin:desk"
    with pytest.raises(OfferCodeAlreadyUsed):
        await _use(uow_factory, code, clock=clock)
    (row,) = await _rows(engine)
    assert row.status == "used" and row.used_at == clock.now()


async def test_an_expired_code_cannot_be_used_and_stays_as_it_was(engine, uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        code = await personal_code(uow, rules, cid, _offer(rules, "win_back"), TODAY, clock.now())
        await uow.commit()
    with pytest.raises(OfferCodeExpired, match="expired on"):
        await _use(uow_factory, code.code, code.valid_until + timedelta(days=1), clock)
    (row,) = await _rows(engine)
    assert row.status == "issued" and row.used_at is None
    assert (await _use(uow_factory, code.code, code.valid_until, clock)).used  # its last day still counts


async def test_an_unknown_code_is_not_found(uow_factory, clock):
    with pytest.raises(OfferCodeNotFound):
        await _use(uow_factory, "AAAA-BBBB", clock=clock)


async def test_concurrent_uses_of_one_code_let_exactly_one_through(engine, uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        code = (await personal_code(uow, rules, cid, _offer(rules, "win_back"), TODAY, clock.now())).code
        await uow.commit()

    async def attempt() -> bool:
        try:
            await _use(uow_factory, code, clock=clock)
        except OfferCodeAlreadyUsed:
            return False
        return True

    results = await asyncio.gather(*[attempt() for _ in range(10)])
    assert results.count(True) == 1
    (row,) = await _rows(engine)
    assert row.status == "used"


async def test_an_offer_pushed_as_a_campaign_reaches_only_members_with_marketing_consent(
    uow_factory, rules, clock
):
    """Nothing pushes offers unasked except a campaign, and its audience is always consenting."""
    consenting = await _member_with_a_phone_repair(uow_factory, rules, clock)
    declined = (
        await registered(uow_factory(), rules, clock.now(), "+79161234568", marketing_opt_in=False)
    ).customer
    await completed_phone_repair(uow_factory(), rules, "+79161234568", clock.now())
    phone_people = parse_segment_filter({"device_categories": ["phone"]}, tiers=[t.key for t in rules.tiers])
    async with uow_factory() as uow:
        reached = await uow.segments.member_ids(phone_people, clock.now())
    assert reached == [consenting] and declined.id not in reached
    assert "phone_accessories" in await _show(uow_factory, rules, clock, declined.id)  # asking still shows


async def test_a_deleted_members_code_is_unknown_at_the_desk_and_cannot_be_used(
    engine, uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:
        code = (await personal_code(uow, rules, cid, _offer(rules, "win_back"), TODAY, clock.now())).code
        await delete_customer(uow, cid, clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        with pytest.raises(OfferCodeNotFound):
            await find_offer_code(uow, RULES, code)
    with pytest.raises(OfferCodeNotFound):
        await _use(uow_factory, code, clock=clock)
    (row,) = await _rows(engine)
    assert row.status == "issued" and row.used_at is None


async def test_a_code_ends_with_its_offer_when_the_rules_move_the_offers_end_earlier(
    engine, uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    ending = replace(_offer(rules, "phone_accessories"), valid_until=date(2026, 12, 31))
    async with uow_factory() as uow:
        code = (await personal_code(uow, rules, cid, ending, TODAY, clock.now())).code
        await uow.commit()
    shortened = replace(ending, valid_until=date(2026, 12, 10))
    later_rules = replace(rules, offers=tuple(shortened if o.key == ending.key else o for o in rules.offers))
    after_the_new_end = date(2026, 12, 11)
    async with uow_factory() as uow:
        found = await find_offer_code(uow, later_rules, code)
    assert found.valid_until == date(2026, 12, 10)
    assert found.status(after_the_new_end) == OfferCodeStatus.EXPIRED
    with pytest.raises(OfferCodeExpired, match="2026-12-10"):
        async with uow_factory() as uow:
            await use_offer_code(uow, later_rules, code, after_the_new_end, clock.now(), "api:admin:desk")
    (row,) = await _rows(engine)
    assert row.status == "issued" and row.used_at is None


async def test_the_offers_screen_shows_the_offers_new_end_as_the_codes_last_day(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    ending = replace(_offer(rules, "phone_accessories"), valid_until=date(2026, 12, 31))
    async with uow_factory() as uow:
        first = await personal_code(uow, rules, cid, ending, TODAY, clock.now())
        again = await personal_code(
            uow, rules, cid, replace(ending, valid_until=date(2026, 12, 10)), TODAY, clock.now()
        )
        await uow.commit()
    assert again.code == first.code and again.valid_until == date(2026, 12, 10)
