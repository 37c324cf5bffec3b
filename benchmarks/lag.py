"""Delivery lag under ingestion load: the age of the oldest pending transactional message (issue 19).

A sampler in the benchmark process reads the outbox every `interval` seconds while the product
serves the load, then keeps reading after the load stops until nothing transactional is pending
(or a time cap), so both the lag during ingestion and the time to drain what was left are known.
It reads on a connection of its own that never takes SQLite's write lock (a plain engine: no
`BEGIN IMMEDIATE`), so it does not queue behind the product's writers or hold them up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from benchmarks.common import BenchDatabase
from store.tables import outbox

INTERVAL = 0.5
DRAIN_CAP = 60.0  # seconds of waiting for the backlog after the load has stopped


@dataclass
class Sample:
    at: float  # seconds since the sampler started
    pending_transactional: int
    pending_marketing: int
    oldest_transactional_age_s: float | None


@dataclass
class LagReport:
    during: list[Sample] = field(default_factory=list)
    after: list[Sample] = field(default_factory=list)
    drained_after_s: float | None = None  # None: still pending when the cap ran out

    def summary(self) -> dict[str, Any]:
        def worst(samples: list[Sample]) -> float | None:
            ages = [s.oldest_transactional_age_s for s in samples if s.oldest_transactional_age_s is not None]
            return round(max(ages), 2) if ages else 0.0

        end = self.during[-1] if self.during else None
        samples = self.during + self.after
        return {
            "max_oldest_pending_transactional_age_s_during": worst(self.during),
            "max_pending_transactional_during": max(
                (s.pending_transactional for s in self.during), default=0
            ),
            "pending_transactional_at_end": end.pending_transactional if end else None,
            "oldest_pending_transactional_age_s_at_end": end.oldest_transactional_age_s if end else None,
            "pending_marketing_at_end": end.pending_marketing if end else None,
            "drained_after_s": self.drained_after_s,
            "drain_cap_s": DRAIN_CAP,
            "samples_during": len(self.during),
            # [seconds since the start, pending transactional, age of the oldest of them in s]
            "timeline": [[s.at, s.pending_transactional, s.oldest_transactional_age_s] for s in samples],
        }


def _reader(database: BenchDatabase) -> AsyncEngine:
    if database.kind == "sqlite":
        return create_async_engine(database.url)  # reads in WAL mode take no lock at all
    return database.engine()


async def _sample(engine: AsyncEngine, started: float) -> Sample:
    pending = sa.text("outbox.status = 'pending'")
    query = (
        sa.select(outbox.c.marketing, sa.func.count(), sa.func.min(outbox.c.created_at))
        .where(pending)
        .group_by(outbox.c.marketing)
    )
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    counts = {bool(m): (int(n), oldest) for m, n, oldest in rows}
    transactional, oldest = counts.get(False, (0, None))
    age = None if oldest is None else (datetime.now(UTC) - oldest).total_seconds()
    return Sample(
        at=round(time.perf_counter() - started, 2),
        pending_transactional=transactional,
        pending_marketing=counts.get(True, (0, None))[0],
        oldest_transactional_age_s=None if age is None else round(age, 2),
    )


@contextlib.asynccontextmanager
async def sampling(database: BenchDatabase, report: LagReport) -> AsyncIterator[None]:
    """Samples into `report.during` while the block runs (the measured load)."""
    engine = _reader(database)
    started = time.perf_counter()
    stop = asyncio.Event()

    async def loop() -> None:
        while not stop.is_set():
            report.during.append(await _sample(engine, started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=INTERVAL)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        stop.set()
        await task
        report.during.append(await _sample(engine, started))
        await engine.dispose()


async def drain(database: BenchDatabase, report: LagReport) -> None:
    """After the load: sample until nothing transactional is pending, at most DRAIN_CAP seconds."""
    engine = _reader(database)
    started = time.perf_counter()
    try:
        while time.perf_counter() - started < DRAIN_CAP:
            sample = await _sample(engine, started)
            report.after.append(sample)
            if sample.pending_transactional == 0:
                report.drained_after_s = sample.at
                return
            await asyncio.sleep(INTERVAL)
    finally:
        await engine.dispose()
