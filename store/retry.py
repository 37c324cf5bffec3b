"""Running a unit of work again when the database, not the work, made it fail."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

from domain.ports import UnitOfWork

T = TypeVar("T")

_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock_detected, serialization_failure


def is_transient(exc: DBAPIError, *, integrity: bool = False) -> bool:
    """A deadlock or serialization victim, or a busy SQLite file; with `integrity`, a lost insert race."""
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

    Only for work that is safe to repeat from the start, such as an idempotent event.
    """
    for attempt in range(1, attempts + 1):
        try:
            async with uow_factory() as uow:
                result = await work(uow)
                await uow.commit()
                return result
        except DBAPIError as exc:
            if attempt == attempts or not is_transient(exc, integrity=retry_integrity):
                raise
            await asyncio.sleep(random.uniform(0, 0.05 * attempt))  # let the winner finish first
    raise AssertionError("unreachable")
