"""The ceilings of a balance and of one change hold the same on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from domain.ledger import MAX_BALANCE, MAX_CHANGE, EntryKind
from domain.services.points import earn_points
from tests.e2e.repairs.conftest import AUTH, completed


async def _fill(desk, customer_id: int, up_to: int) -> None:
    """Earn lots of at most one change each until the balance is `up_to`."""
    n = 0
    while (left := up_to - await desk.balance(customer_id)) > 0:
        n += 1
        async with desk.container.uow() as uow:
            await earn_points(
                uow,
                customer_id=customer_id,
                points=min(left, MAX_CHANGE),
                kind=EntryKind.ADJUSTMENT,
                source_key=f"fill:{customer_id}:{n}",
                now=desk.container.clock.now(),
                expires_in_days=None,
                reason="fill",
                author="test",
            )
            await uow.commit()


async def test_a_credit_past_the_ceiling_is_refused_and_a_repair_still_completes(desk):
    cid = await desk.register()
    await _fill(desk, cid, MAX_BALANCE - 5)
    before = await desk.counts()
    url = f"/api/v1/customers/{cid}/adjustments"
    refused = await desk.client.post(url, json={"points": 10, "reason": "too much"}, headers=AUTH)
    assert refused.status_code == 409, refused.text
    assert refused.json()["detail"]["code"] == "balance_limit_exceeded"
    assert await desk.counts() == before
    # the repair system never retries forever: the order completes, the earning stops at the ceiling
    done = await desk.post_event(completed(amount="100000.00"))
    assert done.status_code == 200, done.text
    assert await desk.balance(cid) == MAX_BALANCE
    again = await desk.post_event(completed(order_id="R-2", amount="100000.00"))
    assert again.status_code == 200
    assert await desk.balance(cid) == MAX_BALANCE
    assert (
        await desk.client.post(url, json={"points": -5, "reason": "fix"}, headers=AUTH)
    ).status_code == 201


async def test_points_columns_hold_more_than_32_bits(desk):
    cid = await desk.register()
    big = 3_000_000_000  # past 2**31: the columns themselves must not be what stops a balance
    async with desk.container.engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE customers SET points_balance = :b WHERE id = :id"), {"b": big, "id": cid}
        )
        stored = await conn.scalar(
            sa.text("SELECT points_balance FROM customers WHERE id = :id"), {"id": cid}
        )
    assert stored == big
