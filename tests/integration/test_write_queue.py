"""SQLite's units of work of one process take their turns in arrival order (store/write_queue.py),
so under a stream of short transactions none waits past the busy timeout while newer ones go first
(the delivery loop once waited 11 s under ingestion load). PostgreSQL has row locks and no queue."""

from __future__ import annotations

import asyncio

import pytest

from domain.errors import StoreUnavailable
from store.write_queue import WriteQueue, write_queue_of


async def test_turns_are_given_in_the_order_they_were_asked_for():
    queue = WriteQueue(timeout_s=5)
    await queue.acquire()
    order: list[int] = []

    async def writer(n: int) -> None:
        await queue.acquire()
        order.append(n)
        await asyncio.sleep(0)  # a newer writer that comes meanwhile still waits its turn
        queue.release()

    tasks = []
    for n in range(6):
        tasks.append(asyncio.create_task(writer(n)))
        await asyncio.sleep(0)
    queue.release()
    await asyncio.gather(*tasks)
    assert order == list(range(6))


async def test_no_turn_within_the_busy_timeout_is_an_unavailable_store_and_the_queue_goes_on():
    queue = WriteQueue(timeout_s=0.05)
    await queue.acquire()
    with pytest.raises(StoreUnavailable, match="database is locked"):
        await queue.acquire()
    queue.release()
    await asyncio.wait_for(queue.acquire(), 1)  # the one that gave up holds nothing
    queue.release()


async def test_units_of_work_on_sqlite_take_turns_from_their_first_statement_and_on_postgresql_do_not(
    database, engine, uow_factory
):
    assert (write_queue_of(engine) is not None) is (database.kind == "sqlite")
    through: list[str] = []
    inside, hold = asyncio.Event(), asyncio.Event()

    async def unit(name: str, held: bool) -> None:
        async with uow_factory() as uow:
            await uow.customers.get(1)
            through.append(name)
            if held:
                inside.set()
                await hold.wait()

    first = asyncio.create_task(unit("first", True))
    await inside.wait()
    second = asyncio.create_task(unit("second", False))
    if database.kind == "sqlite":
        await asyncio.sleep(0.2)
        assert through == ["first"]  # its statement waits for the first unit to end
    else:
        await asyncio.wait_for(second, 10)  # both at once, however slow the machine
    hold.set()
    await asyncio.gather(first, second)
    assert through == ["first", "second"]


async def test_a_unit_of_work_that_has_sent_nothing_yet_holds_nobody_up(engine, uow_factory):
    hold = asyncio.Event()

    async def idle() -> None:
        async with uow_factory():
            await hold.wait()  # open, waiting for something else before its first statement

    waiting = asyncio.create_task(idle())
    await asyncio.sleep(0)
    async with asyncio.timeout(5), uow_factory() as uow:
        assert await uow.customers.get(1) is None
    hold.set()
    await waiting
