"""Running a unit of work again when the database, not the work, made it fail."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

from domain.errors import StoreUnavailable
from domain.ports import UnitOfWork

T = TypeVar("T")

WAITED_OUT_SECONDS = 1.0
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def is_transient(exc: BaseException, *, integrity: bool = False) -> bool:
    """A deadlock or serialization victim, or a busy SQLite file; with `integrity`, a lost insert race."""
    if not isinstance(exc, DBAPIError):
        return False
    if isinstance(exc, IntegrityError):
        return integrity
    return getattr(exc.orig, "sqlstate", None) in _TRANSIENT_SQLSTATES or "database is locked" in str(
        exc.orig
    )


async def run_with_retries(
    uow_factory: Callable[[], UnitOfWork],
    work: Callable[[UnitOfWork], Awaitable[T]],
    *,
    attempts: int,
    retry_integrity: bool = False,
) -> T:
    """`work` in a fresh unit of work, committed; tried again (up to `attempts`) after a transient loss.

    Only for work that is safe to repeat from the start, such as an idempotent event. What is
    still lost after the last try, or is no lost race at all, goes on as it came (the unit of
    work makes an outage a StoreUnavailable).
    """
    for attempt in range(1, attempts + 1):
        started = time.monotonic()
        try:
            async with uow_factory() as uow:
                result = await work(uow)
                await uow.commit()
                return result
        except (DBAPIError, StoreUnavailable) as exc:
            cause = exc.__cause__ if isinstance(exc, StoreUnavailable) else exc
            if cause is None or not is_transient(cause, integrity=retry_integrity) or attempt == attempts:
                raise
            # A busy SQLite file that stayed busy for the whole busy timeout is not a lost race
            # but a database in trouble: trying again would keep the caller waiting past its own
            # patience.
            if time.monotonic() - started >= WAITED_OUT_SECONDS and "database is locked" in str(cause):
                raise
            await asyncio.sleep(random.uniform(0, 0.05 * attempt))  # let the winner finish first
    raise AssertionError("unreachable")
