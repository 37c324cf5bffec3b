"""A Hypothesis state machine drives the ledger in random order and audits the books after every step.

Operations: earn, spend, reverse, expire (time passes), and retries that reuse a source key.
Invariants: the balance is never negative, the stored balance equals the sum of the entries and
the sum of the lots' remaining points, every lot's remaining equals its points minus what was
allocated from it, each source key appears once, each entry is reversed at most once, and every
spend drew from the oldest-expiring lots first. Runs on the in-memory fake, SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from app.rules_file import load_rules
from domain.clock import FixedClock
from domain.errors import AlreadyReversed, InsufficientPoints, NotReversible
from domain.ledger import EntryKind, lot_order
from domain.ports import UnitOfWork
from domain.reactions import ProgramReactions
from domain.rules import Bonus
from domain.services.points import earn_points, expire_lot, reverse_entry, spend_points
from store import migrate
from store.engine import create_engine, session_factory
from store.uow import SqlUnitOfWork
from tests.builders import registered
from tests.conftest import NOW, PG_URL, reset
from tests.fakes import FakeUnitOfWork, Store

RULES = replace(load_rules(), welcome=Bonus(0, 1))


class LedgerMachine(RuleBasedStateMachine):
    backend = "fake"
    pg_schema: str | None = None

    entries = Bundle("entries")

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.clock = FixedClock(NOW)
        self.engine: Any = None
        self.uow: Callable[[], UnitOfWork]
        self.run(self._setup())
        self.cid = self.run(registered(self.uow(), RULES, self.clock.now())).customer.id
        self.keys: dict[str, tuple[str, int, int]] = {}  # key -> (operation, points, entry id)
        self.counter = 0

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    async def _setup(self) -> None:
        if self.backend == "fake":
            store = Store()
            self.uow = lambda: FakeUnitOfWork(store)
            return
        if self.backend == "sqlite":
            self._tmp = tempfile.TemporaryDirectory()
            self.engine = create_engine(f"sqlite+aiosqlite:///{Path(self._tmp.name) / 'l.db'}")
            await migrate.upgrade(self.engine)
        else:
            assert PG_URL is not None
            self.engine = create_engine(PG_URL, search_path=self.pg_schema, pool_size=2)
            await reset(self.engine)
        sessions = session_factory(self.engine)
        self.uow = lambda: SqlUnitOfWork(sessions, ProgramReactions(RULES))

    def teardown(self) -> None:
        if self.engine is not None:
            self.run(self.engine.dispose())
        if self.backend == "sqlite":
            self._tmp.cleanup()
        self.loop.close()

    def _key(self) -> str:
        self.counter += 1
        return f"k{self.counter}"

    async def _in_uow(self, fn: Callable[[UnitOfWork], Any]) -> Any:
        async with self.uow() as uow:
            result = await fn(uow)
            await uow.commit()
            return result

    @rule(target=entries, points=st.integers(1, 300), days=st.one_of(st.none(), st.integers(1, 60)))
    def earn(self, points: int, days: int | None) -> int:
        key = self._key()
        result = self.run(
            self._in_uow(
                lambda uow: earn_points(
                    uow,
                    customer_id=self.cid,
                    points=points,
                    kind=EntryKind.EARN,
                    source_key=key,
                    now=self.clock.now(),
                    expires_in_days=days,
                )
            )
        )
        assert not result.duplicate
        self.keys[key] = ("earn", points, result.entry.id)
        return int(result.entry.id)

    @rule(target=entries, points=st.integers(1, 400))
    def spend(self, points: int) -> Any:
        lots_before = self.run(self._lots())
        available = sum(lot.remaining for lot in lots_before)
        key = self._key()
        try:
            result = self.run(
                self._in_uow(
                    lambda uow: spend_points(
                        uow, customer_id=self.cid, points=points, source_key=key, now=self.clock.now()
                    )
                )
            )
        except InsufficientPoints:
            assert points > available
            return multiple()
        assert points <= available
        self._assert_oldest_expiring_first(lots_before, {a.lot_id: a.points for a in result.allocations})
        self.keys[key] = ("spend", points, result.entry.id)
        return int(result.entry.id)

    @staticmethod
    def _assert_oldest_expiring_first(lots: list[Any], taken: dict[int, int]) -> None:
        ordered = sorted(lots, key=lot_order)
        touched = [i for i, lot in enumerate(ordered) if lot.id in taken]
        assert touched == list(range(len(touched))), "lots were skipped"
        for lot in ordered[: len(touched) - 1]:
            assert taken[lot.id] == lot.remaining, "an earlier-expiring lot was not drained first"

    @rule(entry=entries)
    def reverse(self, entry: int) -> None:
        key = self._key()
        try:
            result = self.run(
                self._in_uow(
                    lambda uow: reverse_entry(uow, entry_id=entry, source_key=key, now=self.clock.now())
                )
            )
        except (AlreadyReversed, NotReversible):
            return
        assert result.entry.reverses_id == entry
        self.keys[key] = ("reverse", entry, result.entry.id)

    @rule(days=st.integers(1, 45))
    def time_passes_and_points_expire(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))

        async def expire_all() -> None:
            async with self.uow() as uow:
                due = await uow.ledger.due_lots(self.clock.now(), 1000)
            for lot in due:
                async with self.uow() as uow:
                    await expire_lot(uow, lot_id=lot.id, now=self.clock.now())  # type: ignore[arg-type]
                    await uow.commit()

        self.run(expire_all())

    @rule(data=st.data())
    def retry_with_the_same_key(self, data: st.DataObject) -> None:
        if not self.keys:
            return
        key = data.draw(st.sampled_from(sorted(self.keys)))
        operation, value, entry_id = self.keys[key]
        balance = self.run(self._balance())
        now = self.clock.now()

        async def call(uow: UnitOfWork) -> Any:
            if operation == "earn":  # a retry with other points still replays the first result
                return await earn_points(
                    uow,
                    customer_id=self.cid,
                    points=value + 7,
                    kind=EntryKind.EARN,
                    source_key=key,
                    now=now,
                    expires_in_days=5,
                )
            if operation == "spend":
                return await spend_points(uow, customer_id=self.cid, points=value, source_key=key, now=now)
            return await reverse_entry(uow, entry_id=value, source_key=key, now=now)

        result = self.run(self._in_uow(call))
        assert result.duplicate and result.entry.id == entry_id
        assert self.run(self._balance()) == balance

    async def _lots(self) -> list[Any]:
        async with self.uow() as uow:
            return await uow.ledger.open_lots(self.cid)

    async def _balance(self) -> int:
        async with self.uow() as uow:
            return await uow.ledger.balance_of(self.cid)

    @invariant()
    def the_books_balance(self) -> None:
        async def audit() -> None:
            async with self.uow() as uow:
                balance = await uow.ledger.balance_of(self.cid)
                entries = await uow.ledger.history(self.cid, limit=100_000)
                drawn: Counter[int] = Counter()
                for entry in entries:
                    for allocation in await uow.ledger.allocations_of(entry.id):  # type: ignore[arg-type]
                        drawn[allocation.lot_id] += allocation.points
            assert balance >= 0
            assert balance == sum(e.points for e in entries)
            lots = [e for e in entries if e.is_lot]
            assert balance == sum(lot.remaining for lot in lots)
            for lot in lots:
                assert lot.remaining == lot.points - drawn[lot.id]
            keys = Counter(e.source_key for e in entries)
            assert max(keys.values(), default=1) == 1
            reversed_ids = Counter(e.reverses_id for e in entries if e.reverses_id is not None)
            assert max(reversed_ids.values(), default=1) == 1

        self.run(audit())


def _run(backend: str, examples: int, steps: int, schema: str | None = None) -> None:
    machine = type(f"LedgerMachine_{backend}", (LedgerMachine,), {"backend": backend, "pg_schema": schema})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_ledger_invariants_on_the_in_memory_fake() -> None:
    _run("fake", examples=200, steps=40)


def test_ledger_invariants_on_sqlite() -> None:
    _run("sqlite", examples=40, steps=25)


@pytest.mark.postgres
def test_ledger_invariants_on_postgresql(pg_schema: str | None) -> None:
    if pg_schema is None:
        pytest.skip("PostgreSQL: TEST_POSTGRES_URL is not set")
    _run("postgres", examples=40, steps=25, schema=pg_schema)
