"""SQLite's writers of one process take their turns in arrival order.

Every SQLite unit of work begins with `BEGIN IMMEDIATE` (store/engine.py): one writer at a time, the
others retrying in SQLite's busy handler, whose sleeps grow to 100 ms. Under a steady stream of
short transactions the one that has waited longest sleeps longest and keeps missing its chance:
at 28 repair events a second the delivery loop's transaction waited 11 s and a request failed with
"database is locked" after the 10 s busy timeout, while newer transactions went first. So the units
of work of one engine queue on a FIFO lock in this process: a session takes its turn right before its
first statement (where `BEGIN IMMEDIATE` would take the lock) and gives it back when it closes, so
the turn spans what SQLite's lock spans and waits only where SQLite would have. The busy handler
is left for other processes (a second replica, the CLI). PostgreSQL has row locks and no queue.
"""

from __future__ import annotations

import asyncio
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import StoreUnavailable


class WriteQueue:
    def __init__(self, timeout_s: float) -> None:
        self._timeout = timeout_s
        # asyncio locks belong to one event loop; tests and the CLI may run several in turn
        self._locks: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = WeakKeyDictionary()

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def acquire(self) -> None:
        """Wait for this process's turn; past the busy timeout, the store is unavailable as SQLite
        would have said."""
        try:
            await asyncio.wait_for(self._lock().acquire(), self._timeout)
        except TimeoutError as exc:
            raise StoreUnavailable("database is locked: no turn to write within the busy timeout") from exc

    def release(self) -> None:
        self._lock().release()


_QUEUES: WeakKeyDictionary[Engine, WriteQueue] = WeakKeyDictionary()


def give_write_queue(engine: Engine, timeout_s: float) -> None:
    _QUEUES[engine] = WriteQueue(timeout_s)


def write_queue_of(bind: Any) -> WriteQueue | None:
    """The queue of an engine made by store.engine.create_engine for SQLite; None otherwise."""
    sync = getattr(bind, "sync_engine", bind)
    return _QUEUES.get(sync) if isinstance(sync, Engine) else None


class QueuedSession(AsyncSession):
    """An AsyncSession on a SQLite engine of store.engine: every way to the database takes the turn."""

    _has_turn = False

    async def _turn(self) -> None:
        if not self._has_turn:
            queue = write_queue_of(self.bind)
            if queue is not None:
                await queue.acquire()
                self._has_turn = True

    def _give_back(self) -> None:
        if self._has_turn:
            self._has_turn = False
            queue = write_queue_of(self.bind)
            assert queue is not None
            queue.release()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._give_back()

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        await self._turn()
        return await super().execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        await self._turn()
        return await super().scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        await self._turn()
        return await super().scalars(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        await self._turn()
        return await super().get(*args, **kwargs)

    async def stream(self, *args: Any, **kwargs: Any) -> Any:
        await self._turn()
        return await super().stream(*args, **kwargs)

    async def connection(self, *args: Any, **kwargs: Any) -> Any:
        await self._turn()
        return await super().connection(*args, **kwargs)

    async def flush(self, *args: Any, **kwargs: Any) -> None:
        await self._turn()
        await super().flush(*args, **kwargs)

    async def run_sync(self, *args: Any, **kwargs: Any) -> Any:
        await self._turn()
        return await super().run_sync(*args, **kwargs)
