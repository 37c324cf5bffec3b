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
