"""A transaction the database gives up on (deadlock, serialization, busy file) is applied again."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import OperationalError

import webhooks.routes.repairs as route
from tests.e2e.repairs.conftest import completed


class DriverError(Exception):
    """What the DBAPI adapters hand SQLAlchemy: asyncpg's carry the SQLSTATE, sqlite3's a message."""

    def __init__(self, message: str, sqlstate: str | None) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def _lost_once(monkeypatch, message: str, sqlstate: str | None, times: int = 1) -> list[str]:
    """Do the event's work, then lose the transaction `times` times, as a deadlock victim would."""
    real = route.record_repair_event
    calls: list[str] = []

    async def victim(uow, rules, command, now):
        outcome = await real(uow, rules, command, now)
        calls.append(command.event_id)
        if len(calls) <= times:
            raise OperationalError("COMMIT", {}, DriverError(message, sqlstate))
        return outcome

    monkeypatch.setattr(route, "record_repair_event", victim)
    return calls


@pytest.mark.parametrize(
    ("message", "sqlstate"),
    [("deadlock detected", "40P01"), ("could not serialize access", "40001"), ("database is locked", None)],
)
async def test_a_lost_transaction_is_retried_in_a_fresh_unit_of_work_and_applied_once(
    desk, monkeypatch, message, sqlstate
):
    cid = await desk.register()
    calls = _lost_once(monkeypatch, message, sqlstate, times=2)
    response = await desk.post_event(completed(), msg_id="msg_retry")
    assert (response.status_code, response.json()) == (200, {"status": "processed"})
    assert calls == ["msg_retry"] * 3
    assert await desk.balance(cid) == 200 + 135  # the lost attempts left nothing behind
    again = await desk.post_event(completed(), msg_id="msg_retry")
    assert again.json() == {"status": "duplicate"}


async def test_another_database_error_is_not_retried_and_writes_nothing(desk, monkeypatch):
    cid = await desk.register()
    calls = _lost_once(monkeypatch, "disk I/O error", None)
    before = await desk.counts()
    response = await desk.post_event(completed())  # issue 9: a database in trouble is a 503
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert len(calls) == 1
    assert await desk.counts() == before
    assert await desk.balance(cid) == 200


async def test_a_transaction_lost_every_time_gives_up_after_a_few_tries(desk, monkeypatch):
    await desk.register()
    calls = _lost_once(monkeypatch, "deadlock detected", "40P01", times=100)
    before = await desk.counts()
    response = await desk.post_event(completed())  # issue 9: a database in trouble is a 503
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert len(calls) == route._RETRIES
    assert await desk.counts() == before


async def test_parallel_completions_of_new_orders_of_one_member_are_all_processed(desk):
    cid = await desk.register()
    responses = await asyncio.gather(
        *[desk.post_event(completed(order_id=f"PAR-{k}", amount="1000.00")) for k in range(6)]
    )
    assert [r.status_code for r in responses] == [200] * 6, [r.text for r in responses]
    async with desk.container.uow() as uow:
        earned = {e.order_id for e in await uow.ledger.history(cid, limit=100) if e.kind == "earn"}
    assert earned == {f"PAR-{k}" for k in range(6)}
    await desk.balance(cid)  # stored balance == sum of entries
