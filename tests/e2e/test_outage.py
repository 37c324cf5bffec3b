"""A database that is away or locked: every route answers 503 with Retry-After in time, then recovers."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import sqlalchemy as sa

from app.bootstrap import bootstrap
from domain.errors import StoreUnavailable
from scheduler.delivery import DeliveryStats, run_forever
from store import engine as engines
from tests.conftest import Database
from tests.e2e.conftest import make_settings, running
from tests.e2e.repairs.conftest import SECRET, TOKEN, event, sign

AUTH = {"Authorization": f"Bearer {TOKEN}"}


async def _calls(client, clock) -> list[object]:
    body = json.dumps(event()).encode()
    lookup = await client.get("/api/v1/customers", params={"phone": "+79161234567"}, headers=AUTH)
    repair = await client.post("/webhooks/repairs", content=body, headers=sign(body, "msg_o", clock.now()))
    health = await client.get("/healthz")
    return [lookup, repair, health]


def _unavailable(response) -> bool:
    return response.status_code == 503 and response.headers.get("retry-after") == "5"


async def test_a_database_that_does_not_answer_is_a_503_on_every_route(clock, rules):
    away = Database("postgres", "postgresql+asyncpg://postgres@127.0.0.1:1/none")
    settings = make_settings(away, admin_api_token=TOKEN, repair_webhook_secret=SECRET)
    container = bootstrap(settings, clock=clock, rules=rules, channel_builders={})
    async with running(container) as client:
        started = asyncio.get_running_loop().time()
        responses = await _calls(client, clock)
        assert asyncio.get_running_loop().time() - started < 15
    await container.aclose()
    assert all(_unavailable(r) for r in responses), [(r.status_code, r.text) for r in responses]
    lookup = responses[0]
    assert lookup.json()["detail"]["code"] == "database_unavailable"
    assert "Traceback" not in lookup.text


async def test_a_database_locked_past_its_timeout_is_a_503_and_recovers_by_itself(
    make_container, monkeypatch, clock
):
    monkeypatch.setattr(engines, "SQLITE_BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(engines, "LOCK_TIMEOUT_MS", 300)
    container = await make_container(admin_api_token=TOKEN, repair_webhook_secret=SECRET)
    async with running(container) as client, container.engine.connect() as locker:
        await locker.begin()  # on SQLite this is BEGIN IMMEDIATE: the write lock
        if container.engine.dialect.name == "postgresql":
            await locker.execute(sa.text("LOCK TABLE customers, processed_events IN ACCESS EXCLUSIVE MODE"))
        else:
            await locker.execute(sa.text("DELETE FROM processed_events WHERE 1 = 0"))
        started = asyncio.get_running_loop().time()
        lookup, repair, _health = await _calls(client, clock)
        assert asyncio.get_running_loop().time() - started < 10
        assert _unavailable(lookup), lookup.text
        assert _unavailable(repair), repair.text
        await locker.rollback()
        body = json.dumps(event()).encode()
        again = await client.post("/webhooks/repairs", content=body, headers=sign(body, "msg_o", clock.now()))
        assert again.status_code == 200, again.text  # the refused event was not recorded
        assert (await client.get("/healthz")).status_code == 200


class Failing:
    """A delivery whose database is away for `down` rounds."""

    def __init__(self, down: int) -> None:
        self.down, self.rounds = down, 0

    async def deliver_due(self) -> DeliveryStats:
        self.rounds += 1
        if self.rounds <= self.down:
            raise StoreUnavailable("connection refused")
        return DeliveryStats()


async def test_the_delivery_loop_backs_off_with_one_line_per_change_of_state(caplog):
    delivery, stop = Failing(down=10**6), asyncio.Event()
    with caplog.at_level(logging.INFO, logger="scheduler.delivery"):
        task = asyncio.create_task(run_forever(delivery, idle_seconds=0.01, stop=stop))  # type: ignore[arg-type]
        await asyncio.sleep(0.6)
        stop.set()
        await task
    # without backoff a 10 ms loop would try about 60 times; doubling pauses make it a handful
    assert 3 <= delivery.rounds <= 8
    lines = [r for r in caplog.records if r.name == "scheduler.delivery" and r.levelno >= logging.INFO]
    assert len(lines) == 1 and "outbox delivery stopped" in lines[0].getMessage()
    assert lines[0].exc_info is None


async def test_the_delivery_loop_says_once_that_it_recovered(caplog):
    delivery, stop = Failing(down=3), asyncio.Event()
    with caplog.at_level(logging.INFO, logger="scheduler.delivery"):
        task = asyncio.create_task(run_forever(delivery, idle_seconds=0.01, stop=stop))  # type: ignore[arg-type]
        await asyncio.sleep(0.4)
        stop.set()
        await task
    messages = [r.getMessage() for r in caplog.records if r.name == "scheduler.delivery"]
    assert [m.split(":")[0] for m in messages] == [
        "outbox delivery stopped",
        "outbox delivery recovered after 3 failed rounds",
    ]
    assert delivery.rounds > 4  # back to its normal pace


@pytest.mark.parametrize("kind", ["sqlite"])
def test_the_timeouts_are_shorter_than_the_callers_patience(kind):
    assert engines.STATEMENT_TIMEOUT_MS <= 10_000 and engines.SQLITE_BUSY_TIMEOUT_MS <= 10_000
    assert engines.POOL_TIMEOUT_S + engines.CONNECT_TIMEOUT_S < 15
