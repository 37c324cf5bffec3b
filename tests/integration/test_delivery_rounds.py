"""What one delivery round costs the database, on SQLite and PostgreSQL (issue 19, item 4).

Under ingestion load the round's own transactions are what it waits for, so their number is pinned:
the claim reads the batch's recipients in its own transaction, results that sent nothing are written
together at the end of the round, and only a message a platform received is recorded on its own
(before its lane sends the next: the crash guarantee). A change that brings back a transaction or a
statement per message fails here, naming the count.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Channel, ChannelIdentity
from domain.delivery import Delivered, MessageSender, SendResult
from domain.outbox import OutboxMessage
from domain.services.registration import set_marketing_consent
from messages import Renderer
from scheduler.delivery import MARKETING_PER_ROUND, Delivery
from scheduler.delivery_round import FRESH
from store.tables import outbox
from tests.builders import registered

CONTEXT = {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Бронза"}


@dataclass
class Counts:
    transactions: int = 0
    statements: list[str] = field(default_factory=list)


@contextmanager
def counted(engine: AsyncEngine) -> Iterator[Counts]:
    """Transactions begun and statements sent on `engine` while the block runs (BEGIN not counted)."""
    counts = Counts()

    def on_begin(_conn: Any) -> None:
        counts.transactions += 1

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            counts.statements.append(" ".join(statement.split())[:120])

    event.listen(engine.sync_engine, "begin", on_begin)
    event.listen(engine.sync_engine, "before_cursor_execute", on_execute)
    try:
        yield counts
    finally:
        event.remove(engine.sync_engine, "begin", on_begin)
        event.remove(engine.sync_engine, "before_cursor_execute", on_execute)


class Sender(MessageSender):
    """Delivers everything; `on_send` runs before each answer (what happens meanwhile elsewhere)."""

    def __init__(self, on_send: Any = None) -> None:
        self.sent: list[str] = []
        self._on_send = on_send

    async def send(self, identity: ChannelIdentity, message: OutboxMessage, text: str) -> SendResult:
        self.sent.append(message.dedupe_key)
        if self._on_send is not None:
            await self._on_send(message)
        return Delivered(f"p-{len(self.sent)}")


def _delivery(uow_factory, senders, clock, rules, lanes: int = 8) -> Delivery:
    return Delivery(
        uow_factory,
        senders,
        Renderer(),
        clock,
        marketing=rules.marketing,
        timezone="Europe/Moscow",
        lanes=lanes,
    )


async def _members(uow_factory, rules, clock, n: int, **overrides) -> list[int]:
    ids = []
    for i in range(n):
        result = await registered(uow_factory(), rules, clock.now(), phone=f"+7916{i:07d}", **overrides)
        ids.append(result.customer.id)
    return ids


async def _queue(uow_factory, clock, cids: list[int], key: str, *, marketing: bool = False) -> None:
    async with uow_factory() as uow:
        for cid in cids:
            await uow.outbox.add(
                OutboxMessage(cid, "welcome", CONTEXT, f"{key}-{cid}", clock.now(), marketing=marketing)
            )
        await uow.commit()


async def _drained(uow_factory, rules, clock) -> None:
    """Whatever registration queued is out of the way before anything is counted."""
    await _delivery(uow_factory, {}, clock, rules).deliver_due()


async def _statuses(engine: AsyncEngine, key: str) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(outbox.c.status, sa.func.count())
            .where(outbox.c.dedupe_key.like(f"{key}-%"))
            .group_by(outbox.c.status)
        )
        return {status: n for status, n in rows}


async def test_a_round_that_sends_nothing_takes_two_transactions_whatever_the_size_of_its_batch(
    engine, uow_factory, rules, clock
):
    cids = await _members(uow_factory, rules, clock, 40)
    await _drained(uow_factory, rules, clock)
    rounds = []
    for key, some in (("few", cids[:4]), ("many", cids)):
        await _queue(uow_factory, clock, some, key)
        with counted(engine) as counts:
            stats = await _delivery(uow_factory, {}, clock, rules).deliver_due()  # no channel: all skipped
        assert stats.skipped == len(some)
        assert await _statuses(engine, key) == {"skipped": len(some)}
        rounds.append(counts)
    few, many = rounds
    # the claim with its recipients read, then every result in one write
    assert (few.transactions, many.transactions) == (2, 2), (few.statements, many.statements)
    assert len(many.statements) - len(few.statements) == len(cids) - 4, (
        "each further skipped message may cost its one UPDATE and nothing else",
        many.statements,
    )


async def test_each_sent_message_is_recorded_in_its_own_transaction_and_nothing_else_is_per_message(
    engine, uow_factory, rules, clock
):
    cids = await _members(uow_factory, rules, clock, 12)
    await _drained(uow_factory, rules, clock)
    sender = Sender()
    rounds = []
    for key, some in (("few", cids[:3]), ("many", cids)):
        await _queue(uow_factory, clock, some, key)
        with counted(engine) as counts:
            stats = await _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules).deliver_due()
        assert stats.sent == len(some)
        assert await _statuses(engine, key) == {"sent": len(some)}
        # the claim with its recipients read, then one record per send, before the lane's next
        assert counts.transactions == 1 + len(some), counts.statements
        rounds.append(counts)
    few, many = rounds
    assert len(many.statements) - len(few.statements) == 12 - 3, (
        "each further sent message may cost its one UPDATE and nothing else",
        many.statements,
    )


async def test_a_consent_withdrawn_while_the_round_runs_is_seen_before_that_customers_send(
    uow_factory, engine, rules, clock
):
    first, second = await _members(uow_factory, rules, clock, 2, marketing_opt_in=True)
    await _drained(uow_factory, rules, clock)

    async def meanwhile(message: OutboxMessage) -> None:
        # while the first send takes its time, the second customer opts out in chat
        if message.customer_id == first:
            async with uow_factory() as uow:
                await set_marketing_consent(uow, second, False, clock.now())
                await uow.commit()
            clock.advance(FRESH + timedelta(seconds=1))

    sender = Sender(meanwhile)
    await _queue(uow_factory, clock, [first], "promo-a", marketing=True)
    await _queue(uow_factory, clock, [second], "promo-b", marketing=True)
    stats = await _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules, lanes=1).deliver_due()
    assert sender.sent == [f"promo-a-{first}"]
    assert (stats.sent, stats.skipped) == (1, 1)
    assert await _statuses(engine, "promo-b") == {"skipped": 1}


async def test_a_customers_marketing_sent_in_this_round_counts_towards_their_weekly_cap(
    engine, uow_factory, rules, clock
):
    [cid] = await _members(uow_factory, rules, clock, 1, marketing_opt_in=True)
    await _drained(uow_factory, rules, clock)
    cap = rules.marketing.max_messages_per_week
    async with uow_factory() as uow:
        for n in range(cap + 2):
            await uow.outbox.add(
                OutboxMessage(cid, "welcome", CONTEXT, f"capped-{n}", clock.now(), marketing=True)
            )
        await uow.commit()
    sender = Sender()
    stats = await _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules).deliver_due()
    assert (stats.sent, stats.skipped) == (cap, 2)
    assert await _statuses(engine, "capped") == {"sent": cap, "skipped": 2}


async def test_a_transactional_message_due_during_a_campaign_waits_one_short_marketing_round(
    engine, uow_factory, rules, clock
):
    cids = await _members(uow_factory, rules, clock, MARKETING_PER_ROUND + 10, marketing_opt_in=True)
    await _drained(uow_factory, rules, clock)
    await _queue(uow_factory, clock, cids, "campaign", marketing=True)
    sender = Sender()
    delivery = _delivery(uow_factory, {Channel.TELEGRAM: sender}, clock, rules)
    assert (await delivery.deliver_due()).sent == MARKETING_PER_ROUND
    await _queue(uow_factory, clock, cids[:1], "ready")  # "your device is ready"
    clock.advance(timedelta(seconds=1))
    await delivery.deliver_due()
    assert sender.sent[MARKETING_PER_ROUND] == f"ready-{cids[0]}"
    assert await _statuses(engine, "campaign") == {"sent": len(cids)}
