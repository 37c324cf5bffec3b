"""Concurrent requests cannot double-spend or double-apply, on either database."""

from __future__ import annotations

import asyncio

from domain.errors import InsufficientPoints
from domain.ledger import EntryKind
from domain.services.points import earn_points, spend_points
from tests.builders import registered


async def _spend(uow_factory, cid, points, key, now):
    try:
        async with uow_factory() as uow:
            result = await spend_points(uow, customer_id=cid, points=points, source_key=key, now=now)
            await uow.commit()
            return result
    except InsufficientPoints:
        return None


async def test_twenty_concurrent_spends_of_80_from_100_let_exactly_one_through(
    database, uow_factory, rules, clock
):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id
    async with uow_factory() as uow:  # 200 welcome - 100 = 100
        await spend_points(uow, customer_id=cid, points=100, source_key="setup", now=clock.now())
        await uow.commit()
    results = await asyncio.gather(
        *[_spend(uow_factory, cid, 80, f"spend-{i}", clock.now()) for i in range(20)]
    )
    assert sum(r is not None for r in results) == 1
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(cid) == 20
        assert await uow.ledger.sum_of_entries(cid) == 20


async def test_the_same_source_key_sent_concurrently_is_applied_once(uow_factory, rules, clock):
    cid = (await registered(uow_factory(), rules, clock.now())).customer.id

    async def earn():
        async with uow_factory() as uow:
            result = await earn_points(
                uow,
                customer_id=cid,
                points=50,
                kind=EntryKind.EARN,
                source_key="repair:R-1",
                now=clock.now(),
                expires_in_days=365,
            )
            await uow.commit()
            return result

    results = await asyncio.gather(*[earn() for _ in range(10)])
    assert len({r.entry.id for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    async with uow_factory() as uow:
        assert await uow.ledger.balance_of(cid) == 250


class PausingCustomers:
    """The customers repository, stopping between a use case's read and its write until told to go on."""

    def __init__(self, inner, gate: asyncio.Event) -> None:
        self.inner, self.gate = inner, gate

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def update(self, customer) -> None:
        await self.gate.wait()
        await self.inner.update(customer)


async def _race(uow_factory, paused_use_case, rival) -> None:
    """Run `paused_use_case` up to its write, let `rival` run meanwhile, then let the write happen.

    A use case that locks the row when it reads makes the rival wait; one that reads without a
    lock lets the rival commit in between and then writes its stale copy over the rival's work.
    """
    gate = asyncio.Event()

    async def paused() -> None:
        async with uow_factory() as uow:
            uow.customers = PausingCustomers(uow.customers, gate)
            await paused_use_case(uow)
            await uow.commit()

    first = asyncio.create_task(paused())
    await asyncio.sleep(0.3)
    second = asyncio.create_task(rival())
    await asyncio.sleep(0.3)
    gate.set()
    await asyncio.gather(first, second)


async def test_a_profile_change_racing_a_deletion_never_brings_the_account_back(uow_factory, rules, clock):
    from domain.services.privacy import delete_customer
    from domain.services.registration import set_marketing_consent

    cid = (await registered(uow_factory(), rules, clock.now())).customer.id

    async def delete() -> None:
        async with uow_factory() as uow:
            await delete_customer(uow, cid, clock.now())
            await uow.commit()

    await _race(uow_factory, lambda uow: set_marketing_consent(uow, cid, False, clock.now()), delete)
    async with uow_factory() as uow:
        customer = await uow.customers.get(cid)
    assert customer is not None and customer.is_deleted and customer.phone is None and customer.name is None


async def test_a_language_change_racing_a_tier_upgrade_keeps_the_upgrade(uow_factory, rules, clock):
    from datetime import timedelta

    from domain.repairs import DeviceCategory, Repair, RepairStatus
    from domain.services.registration import set_locale
    from domain.services.tiers import apply_tier_upgrade

    customer = (await registered(uow_factory(), rules, clock.now())).customer
    async with uow_factory() as uow:
        await uow.repairs.add(
            Repair(
                order_id="R-1",
                phone=customer.phone or "",
                status=RepairStatus.COMPLETED,
                device_category=DeviceCategory.PHONE,
                created_at=clock.now(),
                updated_at=clock.now(),
                customer_id=customer.id,
                amount_minor=20_000_00,
                paid_money_minor=20_000_00,
                completed_at=clock.now() - timedelta(days=1),
            )
        )
        await uow.commit()

    async def upgrade() -> None:
        async with uow_factory() as uow:
            await apply_tier_upgrade(uow, rules, customer, clock.now())
            await uow.commit()

    await _race(uow_factory, lambda uow: set_locale(uow, customer.id, "en"), upgrade)
    async with uow_factory() as uow:
        stored = await uow.customers.get(customer.id)
    assert stored is not None and stored.tier == "silver" and stored.locale == "en"
