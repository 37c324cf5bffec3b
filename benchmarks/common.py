"""What both benchmarks share: a bounded load loop, percentiles, a migrated database, child servers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from store import migrate
from store.engine import create_engine, is_sqlite

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only, always
READY_TIMEOUT = 60.0


# --- measurements ---------------------------------------------------------------------------


def percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (q in 0..100)."""
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))  # ceil(q/100 * n)
    return ordered[rank - 1]


@dataclass
class Result:
    """One measured side (the product or the floor) of one benchmark.

    CPU is read for two processes: `work`, the one doing what is measured (the server; the bot),
    and `load`, the other one of the benchmark (the load generator; the fake Bot API), and for
    `rest`, the rest of the machine (the PostgreSQL server, and anything else running meanwhile).
    When `load` is near 100% the side is limited by its load, not its work: then `cpu_ms_per_op`
    of the work process, which does not depend on the load generator, is the fairer comparison.
    """

    name: str
    requests: int
    errors: int
    seconds: float
    workers: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    work_cpu_s: float | None = None
    load_cpu_s: float | None = None
    rest_cpu_s: float | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def work_cpu_percent(self) -> float | None:
        return None if self.work_cpu_s is None else 100 * self.work_cpu_s / self.seconds

    @property
    def load_cpu_percent(self) -> float | None:
        return None if self.load_cpu_s is None else 100 * self.load_cpu_s / self.seconds

    @property
    def rest_cpu_percent(self) -> float | None:
        return None if self.rest_cpu_s is None else 100 * self.rest_cpu_s / self.seconds

    @property
    def cpu_ms_per_op(self) -> float | None:
        if self.work_cpu_s is None or not self.requests:
            return None
        return 1000 * self.work_cpu_s / self.requests

    def as_dict(self) -> dict[str, Any]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            **asdict(self),
            "throughput_per_s": round(self.throughput, 1),
            "work_cpu_percent": rounded(self.work_cpu_percent),
            "load_cpu_percent": rounded(self.load_cpu_percent),
            "rest_cpu_percent": rounded(self.rest_cpu_percent),
            "work_cpu_ms_per_op": rounded(self.cpu_ms_per_op),
        }


@dataclass
class Comparison:
    """The product against its floor, measured in the same run."""

    benchmark: str
    database: str
    product: Result
    floor: Result

    @property
    def throughput_ratio(self) -> float:
        """floor throughput / product throughput: how many times slower the product is."""
        return self.floor.throughput / self.product.throughput if self.product.throughput else float("inf")

    @property
    def p50_ratio(self) -> float:
        return self.product.p50_ms / self.floor.p50_ms if self.floor.p50_ms else float("inf")

    @property
    def cpu_ratio(self) -> float | None:
        """product CPU per operation / floor CPU per operation, in the process doing the work."""
        product, floor = self.product.cpu_ms_per_op, self.floor.cpu_ms_per_op
        return product / floor if product is not None and floor else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "database": self.database,
            "product": self.product.as_dict(),
            "floor": self.floor.as_dict(),
            "floor_over_product_throughput": round(self.throughput_ratio, 2),
            "product_over_floor_p50": round(self.p50_ratio, 2),
            "product_over_floor_cpu_per_op": None if self.cpu_ratio is None else round(self.cpu_ratio, 2),
        }


def machine_busy_seconds() -> float | None:
    """CPU seconds spent by the whole machine (all cores, not idle), from /proc/stat (Linux)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int | None) -> float | None:
    """utime + stime of a process (None: this one), from /proc for another (Linux; else None)."""
    if pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


async def run_load(
    name: str,
    items: Sequence[Any],
    one: Callable[[Any], Awaitable[bool]],
    *,
    workers: int,
    max_seconds: float,
    work_pid: int | None = None,
    load_pid: int | None = None,
    notes: dict[str, Any] | None = None,
) -> Result:
    """`workers` coroutines take the items in order, each waiting for its answer before the next.

    Bounded twice: by the number of items and by `max_seconds` (workers stop taking new items).
    `one(item)` returns whether the answer was the expected one; an exception counts as an error.
    `work_pid`/`load_pid`: the processes whose CPU time is read (None: this process).
    """
    latencies: list[float] = []
    errors = 0
    cursor = iter(items)
    deadline = time.perf_counter() + max_seconds

    async def worker() -> None:
        nonlocal errors
        for item in cursor:  # a shared iterator: each item is taken once
            started = time.perf_counter()
            try:
                ok = await one(item)
            except Exception:
                ok = False
            latencies.append(time.perf_counter() - started)
            if not ok:
                errors += 1
            if started > deadline:
                return

    work0, load0, machine0 = cpu_seconds(work_pid), cpu_seconds(load_pid), machine_busy_seconds()
    wall0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    seconds = time.perf_counter() - wall0
    work1, load1, machine1 = cpu_seconds(work_pid), cpu_seconds(load_pid), machine_busy_seconds()

    latencies.sort()
    ms = [x * 1000 for x in latencies]

    def spent(before: float | None, after: float | None) -> float | None:
        return None if before is None or after is None else round(after - before, 3)

    result = Result(
        name=name,
        requests=len(ms),
        errors=errors,
        seconds=round(seconds, 3),
        workers=workers,
        p50_ms=round(percentile(ms, 50), 2),
        p95_ms=round(percentile(ms, 95), 2),
        p99_ms=round(percentile(ms, 99), 2),
        mean_ms=round(sum(ms) / len(ms), 2) if ms else float("nan"),
        max_ms=round(ms[-1], 2) if ms else float("nan"),
        work_cpu_s=spent(work0, work1),
        load_cpu_s=spent(load0, load1),
        notes=notes or {},
    )
    machine, work, load = spent(machine0, machine1), result.work_cpu_s, result.load_cpu_s
    if machine is not None and work is not None and load is not None:
        # Everything else on the machine meanwhile: the PostgreSQL server, and any other work
        # (which skews the numbers: the table flags it).
        result.rest_cpu_s = round(max(0.0, machine - work - load), 3)
    return result


# --- a database of its own -------------------------------------------------------------------


@dataclass(frozen=True)
class BenchDatabase:
    """A migrated, empty database: a new SQLite file, or a new schema on the PostgreSQL server."""

    url: str
    search_path: str | None = None

    @property
    def kind(self) -> str:
        return "sqlite" if is_sqlite(self.url) else "postgresql"

    def engine(self) -> AsyncEngine:
        return create_engine(self.url, search_path=self.search_path)

    def child_args(self) -> list[str]:
        args = ["--database-url", self.url]
        if self.search_path:
            args += ["--schema", self.search_path]
        return args


@contextlib.asynccontextmanager
async def bench_database(postgres_url: str | None) -> AsyncIterator[BenchDatabase]:
    """Migrated with the product's own migrations (`loyalty migrate`); removed afterwards."""
    if postgres_url is None:
        with tempfile.TemporaryDirectory(prefix="loyalty-bench-") as tmp:
            database = BenchDatabase(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
            engine = database.engine()
            try:
                await migrate.upgrade(engine)
            finally:
                await engine.dispose()
            yield database
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(postgres_url)
    try:
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        database = BenchDatabase(postgres_url, schema)
        engine = database.engine()
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()
        yield database
    finally:
        async with admin.begin() as conn:
            await conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await admin.dispose()


@contextlib.asynccontextmanager
async def given_or_new(url: str | None, given: BenchDatabase | None) -> AsyncIterator[BenchDatabase]:
    """`given` (a seeded database the caller owns and removes), else a new one of bench_database."""
    if given is not None:
        yield given
        return
    async with bench_database(url) as database:
        yield database


# --- child processes -------------------------------------------------------------------------


@dataclass
class Child:
    process: asyncio.subprocess.Process
    port: int

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


@contextlib.asynccontextmanager
async def child_process(module: str, *args: str, max_seconds: float) -> AsyncIterator[Child]:
    """`python -m <module> ... --max-seconds S`; it prints `READY <port>` once it listens on 127.0.0.1.

    The child stops by itself after `max_seconds`; here it is asked to stop (SIGTERM) when done.
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *args,
        "--max-seconds",
        str(max_seconds),
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(READY_TIMEOUT):
            while True:
                line = (await process.stdout.readline()).decode()
                if not line:
                    raise RuntimeError(f"{module} exited before it was ready (code {await process.wait()})")
                if line.startswith("READY "):
                    port = int(line.split()[1])
                    break
        yield Child(process, port)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(15):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()


def announce_ready(port: int) -> None:
    """What a child prints for child_process (above)."""
    print(f"READY {port}", flush=True)
