"""`kill -9` in the middle of a burst of Telegram updates and repair events loses none, doubles none.

A real `loyalty serve` subprocess in Telegram webhook mode, on SQLite (a temp file) and on
PostgreSQL (a database of its own: the product sets no schema from its URL), talking to a fake Bot
API over real HTTP. One burst of signed repair events for one member's orders and of `/balance`
updates from twenty other members (one chat each, so every reply can be told apart) is fired
concurrently; the process is killed with SIGKILL once part of it was answered, restarted, and every
update and event is sent again exactly as Telegram and the repair system would (a resend of one
that was answered must be answered "duplicate"). Then every repair event is applied exactly once
and every update is answered at least once, and twice only where the crash allows it.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from app.rules_file import load_rules
from domain.customers import Channel
from domain.reactions import ProgramReactions
from store.engine import create_engine, session_factory
from store.uow import SqlUnitOfWork
from tests.builders import registered
from tests.e2e.crash.harness import LOYALTY, REPAIR_SECRET, TG_SECRET, Serve, SlowBotApi, _run

PHONE = "+79161234567"  # the member whose repairs earn points
REPAIR_CHAT = 900_000  # that member's Telegram chat (the outbox notifies it; not counted below)
BALANCE_CHATS = [900_001 + i for i in range(20)]  # twenty members who each send one /balance
COMPLETED_ORDERS = 8  # received -> in_repair -> completed: 24 events
READY_ORDERS = 3  # received -> ready: 6 events
EARN_RATE_PERCENT = 3  # bronze: the orders below add up to less than silver's threshold
WELCOME_POINTS = 200
CONCURRENCY = 8  # requests in flight at once, as Telegram and the repair system keep several
KILL_AFTER = 15  # of the 50 requests answered before SIGKILL
BALANCE_TEXT = "Your balance:"


# --- what Telegram and the repair system send ---------------------------------------------------


@dataclass
class Delivery:
    """One update or event: the exact bytes and headers sent, and what each round got back."""

    kind: str  # "telegram" or "repair"
    key: str  # the update_id or the webhook-id
    path: str
    body: bytes
    headers: dict[str, str]
    chat: int = 0  # the chat an update comes from (and is answered in); 0 for an event
    first: int | None = None  # status of the first round; None: no answer (refused or cut off)
    first_error: str = ""
    second: int | None = None
    second_body: dict[str, Any] = field(default_factory=dict)

    @property
    def first_ok(self) -> bool:
        return self.first is not None and 200 <= self.first < 300

    def duplicate(self) -> bool:
        if self.kind == "telegram":
            return self.second_body.get("duplicate") is True
        return self.second_body.get("status") == "duplicate"


def _update(update_id: int, chat: int) -> Delivery:
    sender = {"id": chat, "is_bot": False, "first_name": "Ivan", "language_code": "en"}
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "from": sender,
        "text": "/balance",
        "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
    }
    body = json.dumps({"update_id": update_id, "message": message}).encode()
    headers = {"content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    return Delivery("telegram", str(update_id), "/telegram/webhook", body, headers, chat=chat)


def _event(type_: str, order_id: str, status: str, at: datetime, amount: str | None = None) -> Delivery:
    payload: dict[str, Any] = {
        "type": type_,
        "order_id": order_id,
        "customer": {"phone": "+7 916 123-45-67", "name": "Иван Петров"},
        "device": {"category": "phone", "brand": "Apple", "model": "iPhone 13"},
        "status": status,
        "occurred_at": at.isoformat(),
    }
    if amount is not None:
        payload["amount"] = amount
    body = json.dumps(payload, ensure_ascii=False).encode()
    msg_id = f"msg_{uuid.uuid4().hex}"
    now = datetime.now(UTC)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(REPAIR_SECRET).sign(msg_id, now, body.decode()),
        "content-type": "application/json",
    }
    return Delivery("repair", msg_id, "/webhooks/repairs", body, headers)


def _burst() -> tuple[list[Delivery], dict[str, int], dict[str, str]]:
    """The deliveries in a shuffled order, the points each completed order earns, final statuses."""
    base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    deliveries = [_update(710_000 + i, chat) for i, chat in enumerate(BALANCE_CHATS)]
    points: dict[str, int] = {}
    final: dict[str, str] = {}
    for i in range(COMPLETED_ORDERS):
        order, amount = f"CR-{i:03d}", 1000 + 50 * i
        deliveries += [
            _event("repair.status_changed", order, "received", base),
            _event("repair.status_changed", order, "in_repair", base + timedelta(minutes=10)),
            _event("repair.completed", order, "completed", base + timedelta(minutes=20), f"{amount}.00"),
        ]
        points[order] = amount * EARN_RATE_PERCENT // 100
        final[order] = "completed"
    for i in range(READY_ORDERS):
        order = f"RD-{i:03d}"
        deliveries += [
            _event("repair.status_changed", order, "received", base),
            _event("repair.status_changed", order, "ready", base + timedelta(minutes=10)),
        ]
        final[order] = "ready"
    random.Random(20261122).shuffle(deliveries)  # one reproducible interleaving of both kinds
    return deliveries, points, final


# --- the test -----------------------------------------------------------------------------------


async def _register_members(url: str) -> None:
    """Members made by the product's own use case, before the server starts."""
    rules = load_rules()
    engine = create_engine(url)
    sessions = session_factory(engine)
    reactions = ProgramReactions(rules)
    now = datetime.now(UTC)
    members = [(PHONE, REPAIR_CHAT)] + [(f"+7916555{i:04d}", chat) for i, chat in enumerate(BALANCE_CHATS)]
    try:
        for phone, chat in members:
            await registered(
                SqlUnitOfWork(sessions, reactions),
                rules,
                now,
                phone,
                locale="en",
                channel=Channel.TELEGRAM,
                external_id=str(chat),
            )
    finally:
        await engine.dispose()


async def _first_round(serve: Serve, deliveries: list[Delivery]) -> None:
    """Everything at once (a few at a time); SIGKILL as soon as KILL_AFTER got their answer."""
    gate = asyncio.Semaphore(CONCURRENCY)
    answered = 0

    async def send(client: httpx.AsyncClient, d: Delivery) -> None:
        nonlocal answered
        async with gate:
            try:
                response = await client.post(serve.url + d.path, content=d.body, headers=d.headers)
            except httpx.TransportError as exc:
                d.first_error = type(exc).__name__
                return
        d.first = response.status_code
        if d.first_ok:
            answered += 1
            if answered == KILL_AFTER:
                serve.kill()  # right here, while the next ones are inside the server

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(send(client, d) for d in deliveries))
    assert serve.proc is not None
    await asyncio.wait_for(serve.proc.wait(), 30)
    assert serve.proc.returncode == -signal.SIGKILL


async def _second_round(serve: Serve, deliveries: list[Delivery]) -> None:
    """Everything again, as the senders retry: each until it gets a 2xx (generous deadline)."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(client: httpx.AsyncClient, d: Delivery) -> None:
        deadline = time.monotonic() + 60
        while True:
            async with gate:
                try:
                    response = await client.post(serve.url + d.path, content=d.body, headers=d.headers)
                except httpx.TransportError:
                    response = None
            if response is not None and response.is_success:
                d.second, d.second_body = response.status_code, response.json()
                return
            d.second = None if response is None else response.status_code
            assert time.monotonic() < deadline, f"{d.kind} {d.key} never accepted: {d.second}"
            await asyncio.sleep(0.5)

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(send(client, d) for d in deliveries))


async def _rows(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return list(await conn.execute(sa.text(sql), params))
    finally:
        await engine.dispose()


async def test_kill_9_in_a_burst_loses_no_update_and_no_event_and_doubles_none(
    serve: Serve, database_url: str, bot_api: SlowBotApi
) -> None:
    began = time.monotonic()
    await _run(str(LOYALTY), "migrate", cwd=serve.cwd, env=serve.env)
    await _register_members(database_url)
    deliveries, points, final = _burst()
    updates = [d for d in deliveries if d.kind == "telegram"]
    events = [d for d in deliveries if d.kind == "repair"]

    try:
        await serve.start()
        await _first_round(serve, deliveries)
        killed_at = time.monotonic() - began
        await serve.start()  # Telegram and the repair system find the same service again
        await _second_round(serve, deliveries)
    finally:
        await serve.stop()

    log = serve.log()
    # The kill landed in the middle: some of both kinds were answered, some of both were not.
    unanswered = [d for d in deliveries if not d.first_ok]
    assert KILL_AFTER <= len(deliveries) - len(unanswered) < len(deliveries)
    assert any(d.kind == "telegram" for d in unanswered), "no update was cut off"
    assert any(d.kind == "repair" for d in unanswered), "no event was cut off"
    # Nothing but the crash failed in the first round (no 4xx/5xx while the server was up).
    assert all(d.first is None or d.first_ok for d in deliveries), [(d.key, d.first) for d in deliveries]
    # A resend of what was answered before the crash is a duplicate; what was not is handled now.
    for d in deliveries:
        assert d.second is not None and 200 <= d.second < 300, (d.kind, d.key, d.second)
        if d.first_ok:
            assert d.duplicate(), (d.kind, d.key, d.second_body)

    # --- repair events: each applied exactly once ---------------------------------------------
    (customer,) = await _rows(
        database_url, "SELECT id, points_balance, tier FROM customers WHERE phone = :p", p=PHONE
    )
    customer_id, balance, tier = customer
    entries = await _rows(
        database_url,
        "SELECT kind, points, order_id FROM ledger_entries WHERE customer_id = :c ORDER BY id",
        c=customer_id,
    )
    earned = [(order, pts) for kind, pts, order in entries if kind.lower() == "earn"]
    assert sorted(earned) == sorted(points.items()), entries  # one EARN per completed order
    assert [kind.lower() for kind, _, _ in entries].count("welcome") == 1, entries
    assert len(entries) == len(points) + 1, entries
    assert balance == sum(pts for _, pts, _ in entries) == WELCOME_POINTS + sum(points.values())
    assert tier == "bronze"
    orders = dict(await _rows(database_url, "SELECT order_id, status FROM repairs"))
    assert orders == final
    history = Counter(
        row[0] for row in await _rows(database_url, "SELECT event_id FROM repair_status_history")
    )
    assert history == Counter(d.key for d in events)  # every event in the history, once
    lots = await _rows(
        database_url,
        "SELECT COALESCE(SUM(remaining), 0) FROM ledger_entries WHERE customer_id = :c AND remaining > 0",
        c=customer_id,
    )
    assert lots[0][0] == balance  # the open lots add up to the balance
    notices = Counter(
        row[0]
        for row in await _rows(
            database_url, "SELECT template FROM outbox WHERE customer_id = :c", c=customer_id
        )
    )
    assert notices["points_earned"] == len(points), notices  # one notice per earning, not two

    # --- Telegram updates: each answered at least once, at most twice --------------------------
    # An update is answered twice only when the process died between the answer (sendMessage
    # reached Telegram) and the mark (the 200): Telegram then sends it again and it is answered
    # again. One that got its 200 before the crash is marked, so its resend is a duplicate.
    replies = Counter(
        int(p["chat_id"]) for p in bot_api.called("sendMessage") if BALANCE_TEXT in p.get("text", "")
    )
    in_flight = [d for d in updates if not d.first_ok]
    for d in updates:
        assert replies[d.chat] >= 1, f"update {d.key} was never answered"
        assert replies[d.chat] <= (1 if d.first_ok else 2), f"update {d.key}: {replies[d.chat]} replies"
    assert len(updates) <= sum(replies[d.chat] for d in updates) <= len(updates) + len(in_flight)
    seen = {row[0] for row in await _rows(database_url, "SELECT event_id FROM processed_events")}
    assert {f"telegram:{d.key}" for d in updates} | {f"repairs:{d.key}" for d in events} <= seen
    assert "Something went wrong" not in json.dumps([c.params for c in bot_api.calls]), log

    doubled = sum(1 for d in updates if replies[d.chat] == 2)
    print(
        f"\nkilled after {KILL_AFTER} answers at {killed_at:.1f}s; cut off: "
        f"{sum(1 for d in updates if not d.first_ok)} updates, "
        f"{sum(1 for d in events if not d.first_ok)} events "
        f"({Counter(d.first_error for d in unanswered)}); updates answered twice: {doubled}; "
        f"start-ups {', '.join(f'{s:.1f}s' for s in serve.started)}; total {time.monotonic() - began:.1f}s"
    )
