"""Whose order it is is decided again at every event: members join late, accounts get deleted."""

from __future__ import annotations

from domain.services.privacy import delete_customer
from tests.e2e.repairs.conftest import PHONE, completed, event


async def _row(desk, order_id: str) -> tuple:
    rows = await desk._rows(
        "SELECT customer_id, phone, customer_name, device_serial, status FROM repairs WHERE order_id = :o",
        o=order_id,
    )
    return tuple(rows[0])


async def _delete(desk, customer_id: int) -> None:
    async with desk.container.uow() as uow:
        await delete_customer(uow, customer_id, desk.container.clock.now())
        await uow.commit()


def _with_serial(payload: dict, serial: str = "SN-123") -> dict:
    payload["device"]["serial"] = serial
    return payload


async def test_an_order_left_unlinked_by_a_lost_race_is_linked_at_its_next_event_and_earns(desk):
    cid = await desk.register()
    await desk.post_event(event(order_id="R-77"))
    # What a first event racing the phone's registration leaves behind: the order without its owner.
    async with desk.container.engine.begin() as conn:
        await conn.exec_driver_sql("UPDATE repairs SET customer_id = NULL WHERE order_id = 'R-77'")
    assert (await desk.post_event(completed(order_id="R-77", amount="10000.00"))).status_code == 200
    assert (await _row(desk, "R-77"))[0] == cid
    assert await desk.balance(cid) == 200 + 300


async def test_a_deleted_customers_order_never_takes_their_data_or_messages_again(desk):
    cid = await desk.register()
    await desk.post_event(_with_serial(event(order_id="R-9")))
    await _delete(desk, cid)
    outbox_before = await desk.outbox(cid)
    later = _with_serial(event(order_id="R-9", status="ready", occurred_at="2026-11-22T09:50:00+03:00"))
    assert (await desk.post_event(later)).status_code == 200
    assert await _row(desk, "R-9") == (None, "", None, None, "ready")
    assert await desk.outbox(cid) == outbox_before  # no repair_ready for the deleted account
    done = _with_serial(completed(order_id="R-9", amount="10000.00", occurred_at="2026-11-22T09:55:00+03:00"))
    assert (await desk.post_event(done)).status_code == 200
    assert await _row(desk, "R-9") == (None, "", None, None, "completed")
    assert await desk.outbox(cid) == outbox_before
    async with desk.container.uow() as uow:
        assert all(e.order_id != "R-9" for e in await uow.ledger.history(cid, limit=100))


async def test_after_deletion_the_same_person_registering_again_gets_their_open_order(desk):
    old = await desk.register()
    await desk.post_event(_with_serial(event(order_id="R-9")))
    await _delete(desk, old)
    new = await desk.register(external_id="tg-again")
    done = _with_serial(completed(order_id="R-9", amount="10000.00", occurred_at="2026-11-22T09:55:00+03:00"))
    assert (await desk.post_event(done)).status_code == 200
    assert await _row(desk, "R-9") == (new, PHONE, "Иван Петров", "SN-123", "completed")
    assert await desk.balance(new) == 300  # the phone had its welcome bonus: no second one
    # the new account's first completed repair: its points, then its first badge
    assert [name for name, _ in await desk.outbox(new)][-2:] == ["points_earned", "badge_awarded"]


async def test_a_non_members_order_keeps_its_description_as_before(desk):
    await desk.post_event(_with_serial(event(order_id="R-5")))
    assert await _row(desk, "R-5") == (None, PHONE, "Иван Петров", "SN-123", "received")


async def test_cancelling_an_order_a_deleted_account_earned_on_leaves_the_new_account_alone(desk):
    old = await desk.register()
    await desk.post_event(completed(order_id="R-9", amount="10000.00"))
    await _delete(desk, old)
    new = await desk.register(external_id="tg-again")
    cancel = event("repair.cancelled", order_id="R-9", status=None, occurred_at="2026-11-22T09:55:00+03:00")
    assert (await desk.post_event(cancel)).status_code == 200
    assert await _row(desk, "R-9") == (new, PHONE, "Иван Петров", None, "cancelled")
    assert await desk.balance(new) == 0  # no second welcome bonus for a returning phone
    assert await desk.balance(old) == 0


async def test_a_recycled_number_brings_its_new_owner_only_the_recent_repairs(desk):
    """The number's previous owner left an order long ago: its name and serial are not the new
    owner's to see. A repair from within `linking.max_age_days` is linked as before."""
    from datetime import timedelta

    from domain.services.privacy import export_customer_data
    from domain.services.views import get_repairs_view

    old = _with_serial(event(order_id="R-2025"))
    old["customer"]["name"] = "Сергей Прежний"
    assert (await desk.post_event(old)).status_code == 200
    desk.container.clock.advance(timedelta(days=desk.container.rules.linking_max_age_days + 1))
    assert (await desk.post_event(event(order_id="R-NEW"))).status_code == 200
    desk.container.clock.advance(timedelta(days=1))

    cid = await desk.register()
    assert (await _row(desk, "R-2025"))[0] is None  # stays with the shop, not the new member
    assert (await _row(desk, "R-NEW"))[0] == cid
    async with desk.container.uow() as uow:
        customer = await uow.customers.get(cid)
        screen = await get_repairs_view(uow, customer)
        exported = await export_customer_data(uow, cid)
    assert "R-2025" not in str(screen) and "R-NEW" in str(screen)
    assert "Прежний" not in str(exported) and "SN-123" not in str(exported) and "R-2025" not in str(exported)
