"""Late events are history only: they never move an order, to a final status neither."""

from __future__ import annotations

from tests.e2e.repairs.conftest import completed, event


def _cancelled(at: str) -> dict:
    return event("repair.cancelled", status="cancelled", occurred_at=at)


async def _state(desk) -> tuple:
    rows = await desk._rows(
        "SELECT status, completed_at IS NOT NULL, cancelled_at IS NOT NULL FROM repairs "
        "WHERE order_id = 'R-1042'"
    )
    return tuple(rows[0])


async def _history(desk) -> list[str]:
    rows = await desk._rows("SELECT status FROM repair_status_history ORDER BY occurred_at, id")
    return [r[0] for r in rows]


async def test_a_cancellation_that_happened_before_the_completion_arriving_late_changes_nothing(desk):
    cid = await desk.register()
    await desk.post_event(event(status="received", occurred_at="2026-11-22T08:00:00+03:00"))
    await desk.post_event(completed(occurred_at="2026-11-22T09:30:00+03:00"))
    before_outbox = await desk.outbox(cid)
    late = await desk.post_event(_cancelled("2026-11-22T09:00:00+03:00"))
    assert late.json() == {"status": "processed"}
    assert await _state(desk) == ("completed", True, False)
    assert await desk.balance(cid) == 200 + 135  # nothing reversed
    assert await _history(desk) == ["received", "cancelled", "completed"]  # kept as history
    assert await desk.outbox(cid) == before_outbox  # and nobody is told the order was cancelled


async def test_a_cancellation_after_the_completion_still_reverses_it_once(desk):
    cid = await desk.register()
    await desk.post_event(completed(occurred_at="2026-11-22T09:30:00+03:00"))
    await desk.post_event(_cancelled("2026-11-22T09:00:00+03:00"))  # late: history only
    await desk.post_event(_cancelled("2026-11-22T09:45:00+03:00"))  # later: reverses
    await desk.post_event(_cancelled("2026-11-22T09:50:00+03:00"))  # again: nothing more
    assert await _state(desk) == ("cancelled", True, True)
    assert await desk.balance(cid) == 200


async def test_a_completion_that_happened_before_the_cancellation_arriving_late_earns_nothing(desk):
    cid = await desk.register()
    await desk.post_event(_cancelled("2026-11-22T09:40:00+03:00"))
    late = await desk.post_event(completed(occurred_at="2026-11-22T09:30:00+03:00"))
    assert late.json() == {"status": "processed"}
    assert await _state(desk) == ("cancelled", False, True)
    assert await desk.balance(cid) == 200


async def test_a_completion_stamped_before_the_last_status_still_closes_the_open_order(desk):
    cid = await desk.register()
    await desk.post_event(event(status="ready", occurred_at="2026-11-22T10:00:00+03:00"))
    late = await desk.post_event(completed(occurred_at="2026-11-22T09:59:00+03:00"))
    assert late.json() == {"status": "processed"}
    assert await _state(desk) == ("completed", True, False)
    assert await desk.balance(cid) == 200 + 135


async def test_a_late_status_after_the_completion_stays_history(desk):
    cid = await desk.register()
    await desk.post_event(completed(occurred_at="2026-11-22T09:30:00+03:00"))
    await desk.post_event(event(status="in_repair", occurred_at="2026-11-22T09:00:00+03:00"))
    await desk.post_event(event(status="ready", occurred_at="2026-11-22T09:45:00+03:00"))
    assert await _state(desk) == ("completed", True, False)
    assert await desk.balance(cid) == 200 + 135
