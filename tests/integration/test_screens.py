"""The shared chat screens and the customer's rights, on real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from app.bootstrap import bootstrap
from app.settings import Settings
from bot.screens import Screens
from bot.vocabulary import Screen
from domain.customers import Channel
from domain.errors import CustomerNotFound
from domain.ledger import EntryKind
from domain.outbox import OutboxMessage, OutboxStatus
from domain.repairs import DeviceCategory, Repair, RepairStatus
from domain.services.points import earn_points
from domain.services.privacy import delete_customer, export_customer_data
from tests.builders import registered


@pytest.fixture
def container(engine, clock, rules):
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return bootstrap(settings, clock=clock, rules=rules, engine=engine, channel_builders={})


async def _member_with_history(container, clock, rules, locale="ru"):
    async with container.uow() as uow:
        await uow.repairs.add(
            Repair(
                order_id="R-7",
                phone="+79161234567",
                status=RepairStatus.COMPLETED,
                device_category=DeviceCategory.PHONE,
                device_brand="Apple",
                device_model="iPhone 13",
                created_at=clock.now() - timedelta(days=60),
                updated_at=clock.now() - timedelta(days=50),
                completed_at=clock.now() - timedelta(days=50),
                amount_minor=20_000_00,
                paid_money_minor=20_000_00,
            )
        )
        await uow.repairs.add(
            Repair(
                order_id="R-8",
                phone="+79161234567",
                status=RepairStatus.WAITING_APPROVAL,
                device_category=DeviceCategory.LAPTOP,
                created_at=clock.now(),
                updated_at=clock.now(),
            )
        )
        await uow.commit()
    result = await registered(container.uow(), rules, clock.now(), locale=locale)
    return result.customer.id


def _spaces(text: str) -> str:
    """babel separates thousands with no-break spaces, as Russian typography wants."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def test_every_screen_renders_for_a_real_customer_in_both_languages(container, clock, rules):
    ru = await _member_with_history(container, clock, rules)
    screens = Screens(container.chat)
    for name in Screen:
        text = await screens.render(
            name, ru, "telegram", invite_link_for=lambda c: f"https://t.me/bot?start={c}"
        )
        assert text.strip(), name
    tier = _spaces(await screens.render("tier", ru, "plain"))
    assert "Серебро" in tier and "30 000 ₽" in tier  # 20 000 spent, gold at 50 000
    repairs = await screens.render("repairs", ru, "whatsapp")
    assert "*Сейчас в работе*" in repairs and "ждёт вашего согласования" in repairs
    assert "Apple iPhone 13 (заказ R-7)" in repairs
    balance = await screens.render("balance", ru, "plain")
    assert "200 баллов" in balance and "приветственный бонус" in balance
    offers = await screens.render("offers", ru, "plain")
    assert "аксессуары" in offers and "REPAIR10" in offers  # phone repair + silver tier


async def test_the_invite_screen_carries_the_personal_link(container, clock, rules):
    cid = await _member_with_history(container, clock, rules, locale="en")
    text = await Screens(container.chat).render(
        "invite", cid, "plain", invite_link_for=lambda code: f"https://t.me/shop_bot?start={code}"
    )
    async with container.uow() as uow:
        code = (await uow.customers.get(cid)).referral_code
    assert f"https://t.me/shop_bot?start={code}" in text and "300 points" in text


async def test_an_unknown_customer_or_screen_is_refused(container):
    with pytest.raises(CustomerNotFound):
        await Screens(container.chat).render("balance", 999, "plain")
    with pytest.raises(ValueError):
        await Screens(container.chat).render("secrets", 1, "plain")


async def test_export_holds_everything_kept_about_the_customer_as_json(container, clock, rules):
    cid = await _member_with_history(container, clock, rules)
    async with container.uow() as uow:
        data = await export_customer_data(uow, cid)
    json.dumps(data)  # JSON-ready
    assert data["customer"]["phone"] == "+79161234567"
    assert data["consents"]["personal_data"]["policy_version"] == "2026-11-01"
    assert [c["channel"] for c in data["channels"]] == ["telegram"]
    assert {r["order_id"] for r in data["repairs"]} == {"R-7", "R-8"}
    assert data["ledger"][0]["kind"] == "welcome"


async def test_deletion_erases_personal_data_and_keeps_anonymous_ledger_totals(container, clock, rules):
    cid = await _member_with_history(container, clock, rules)
    async with container.uow() as uow:
        await earn_points(
            uow,
            customer_id=cid,
            points=50,
            kind=EntryKind.EARN,
            source_key="x",
            now=clock.now(),
            expires_in_days=10,
        )
        await uow.outbox.add(OutboxMessage(cid, "welcome", {"name": "Иван"}, "pending-1", clock.now()))
        await uow.commit()
    async with container.uow() as uow:
        await delete_customer(uow, cid, clock.now())
        await uow.commit()
    async with container.uow() as uow:
        customer = await uow.customers.get(cid)
        assert customer is not None and customer.is_deleted
        assert customer.phone is None and customer.name is None and customer.birthday is None
        assert await uow.identities.get(Channel.TELEGRAM, "tg-+79161234567") is None
        assert await uow.ledger.balance_of(cid) == 0 == await uow.ledger.sum_of_entries(cid)
        entries = await uow.ledger.history(cid)
        assert entries[0].kind == EntryKind.EXPIRE and entries[0].points == -250
        repairs = await uow.repairs.of_customer(cid)
        assert all(r.phone == "" and r.customer_name is None for r in repairs)
        assert sum(r.amount_minor or 0 for r in repairs) == 20_000_00  # totals stay for the KPIs
        message = await uow.outbox.get(1)
        assert message is not None and message.context == {} and message.status == OutboxStatus.SKIPPED
        assert await uow.customers.by_phone("+79161234567") is None
    # the same phone can join again as a new, separate member
    again = await registered(container.uow(), rules, clock.now())
    assert again.customer.id != cid and not again.joined_existing


async def _many_repairs(container, clock, rules, active: int, done: int, locale: str):
    model = 'X1 Carbon Gen 11 (21HM0067RT) 14" i7-1365U 32GB'
    async with container.uow() as uow:
        for k in range(active + done):
            final = k < done  # the completed ones are the oldest
            at = clock.now() - timedelta(hours=active + done - k)
            await uow.repairs.add(
                Repair(
                    order_id=f"CORP-{k:03d}",
                    phone="+79161234567",
                    status=RepairStatus.COMPLETED if final else RepairStatus.IN_REPAIR,
                    device_category=DeviceCategory.LAPTOP,
                    device_brand="Lenovo ThinkPad",
                    device_model=model,
                    created_at=at,
                    updated_at=at,
                    completed_at=at if final else None,
                    amount_minor=12_345_00 if final else None,
                    paid_money_minor=12_345_00 if final else None,
                )
            )
        await uow.commit()
    return (await registered(container.uow(), rules, clock.now(), locale=locale)).customer.id


@pytest.mark.parametrize(
    ("locale", "more_active", "more_recent"),
    [("ru", "…и ещё 15 ремонтов", "…и ещё 3 ремонта"), ("en", "…and 15 more", "…and 3 more")],
)
async def test_the_repairs_screen_shows_ten_active_and_five_recent_and_counts_the_rest(
    container, clock, rules, locale, more_active, more_recent
):
    customer_id = await _many_repairs(container, clock, rules, active=25, done=8, locale=locale)
    for channel in ("telegram", "whatsapp"):
        text = await Screens(container.chat).render("repairs", customer_id, channel)
        shown = [f"CORP-{k:03d}" for k in range(33) if f"CORP-{k:03d}" in text]
        assert shown == [f"CORP-{k:03d}" for k in (*range(3, 8), *range(23, 33))]  # the newest
        assert more_active in text and more_recent in text
        assert len(text) < 4096 // 2


async def test_a_repairs_screen_within_the_caps_says_nothing_about_more(container, clock, rules):
    customer_id = await _many_repairs(container, clock, rules, active=10, done=5, locale="ru")
    text = await Screens(container.chat).render("repairs", customer_id, "telegram")
    assert text.count("CORP-") == 15 and "ещё" not in text
