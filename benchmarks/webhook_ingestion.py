"""Webhook ingestion: POST /webhooks/repairs of the real app against a bare FastAPI endpoint.

Both servers run the same way (uvicorn on 127.0.0.1 in a child process, see benchmarks/serve.py)
and get the same signed requests from the same httpx.AsyncClient load loop (benchmarks/common.py).
The product's requests are a mix, in thirds: a new order received, a status change of an order
received earlier, and the completion (with points) of an order changed earlier; every order
belongs to a registered customer, every request has its own webhook-id.

    python -m benchmarks.webhook_ingestion [--requests N] [--workers W] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from app.rules_file import load_rules
from benchmarks import lag
from benchmarks.common import BenchDatabase, Comparison, Result, child_process, given_or_new, run_load
from domain.customers import Channel, Registration
from domain.reactions import ProgramReactions
from domain.services.registration import register_customer
from store.engine import session_factory
from store.tables import ledger_entries, outbox, processed_events, repairs
from store.uow import SqlUnitOfWork

PATH = "/webhooks/repairs"
EXPECTED = b'{"status":"processed"}'
LAG = 64  # orders between the events of one order, so that they arrive in order under load
CHILD_MAX_SECONDS = 600.0


@dataclass(frozen=True)
class Signed:
    body: bytes
    headers: dict[str, str]


def phone_of(index: int) -> str:
    return f"+7916{index:07d}"


def events(
    prefix: str, count: int, customers: int, base: datetime, spread: int = 1
) -> Iterator[dict[str, Any]]:
    """`count` events in rounds of: received(r), in_repair(r - LAG), completed(r - 2 * LAG).

    The orders belong to customers 0, spread, 2 * spread, ... (`customers` of them): on a seeded
    database (spread = N // customers) they are spread over all N."""
    made = 0
    round_ = 0
    while True:
        for kind, order in (
            ("received", round_),
            ("in_repair", round_ - LAG),
            ("completed", round_ - 2 * LAG),
        ):
            if order < 0:
                continue
            if made == count:
                return
            yield _event(kind, f"{prefix}-{order}", phone_of(order % customers * spread), base)
            made += 1
        round_ += 1


def _event(kind: str, order_id: str, phone: str, base: datetime) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "repair.status_changed",
        "order_id": order_id,
        "customer": {"phone": phone, "name": "Иван Петров"},
        "device": {"category": "phone", "brand": "Apple", "model": "iPhone 13"},
        "status": kind,
        "occurred_at": base.isoformat(),
    }
    if kind == "in_repair":
        payload["occurred_at"] = (base + timedelta(minutes=30)).isoformat()
        payload["eta"] = (base + timedelta(days=2)).date().isoformat()
    if kind == "completed":
        payload.update(
            type="repair.completed",
            amount="4500.00",
            items=[
                {"name": "Замена дисплея", "kind": "repair", "price": "4000.00"},
                {"name": "Защитное стекло", "kind": "accessory", "price": "500.00"},
            ],
            occurred_at=(base + timedelta(minutes=60)).isoformat(),
        )
    return payload


def sign_all(payloads: Iterator[dict[str, Any]], secret: str) -> list[Signed]:
    """Signed as a Standard Webhooks sender signs (the library's own `sign`), each with its own id."""
    webhook = Webhook(secret)
    now = datetime.now(UTC)
    signed = []
    for payload in payloads:
        body = json.dumps(payload, ensure_ascii=False).encode()
        msg_id = f"msg_{uuid.uuid4().hex}"
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": webhook.sign(msg_id, now, body.decode()),
            "content-type": "application/json",
        }
        signed.append(Signed(body, headers))
    return signed


async def register_customers(database: BenchDatabase, count: int) -> None:
    rules = load_rules()
    engine = database.engine()
    sessions = session_factory(engine)
    now = datetime.now(UTC)
    try:
        for index in range(count):
            registration = Registration(
                phone=phone_of(index),
                name=f"Клиент {index}",
                locale="ru",
                policy_version="2026-11-01",
                marketing_opt_in=True,
                channel=Channel.TELEGRAM,
                external_id=str(900_000 + index),
            )
            async with SqlUnitOfWork(sessions, ProgramReactions(rules)) as uow:
                await register_customer(uow, rules, registration, now)
                await uow.commit()
    finally:
        await engine.dispose()


async def table_counts(database: BenchDatabase) -> dict[str, int]:
    engine = database.engine()
    try:
        async with engine.connect() as conn:
            return {
                table.name: int(await conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
                for table in (processed_events, repairs, ledger_entries, outbox)
            }
    finally:
        await engine.dispose()


async def load(
    name: str, url: str, requests: list[Signed], warmup: list[Signed], workers: int, pid: int, max_s: float
) -> Result:
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:

        async def one(item: Signed) -> bool:
            response = await client.post(PATH, content=item.body, headers=item.headers)
            return response.status_code == 200 and response.content == EXPECTED

        await run_load(name, warmup, one, workers=workers, max_seconds=max_s)
        return await run_load(name, requests, one, workers=workers, max_seconds=max_s, work_pid=pid)


async def bench(
    *,
    requests: int = 3000,
    workers: int = 8,
    warmup: int = 150,
    customers: int = 100,
    max_seconds: float = 45.0,
    database_url: str | None = None,
    uvloop: bool = False,
    seeded: BenchDatabase | None = None,
    spread: int = 1,
) -> Comparison:
    """`seeded`: run on this already seeded database (benchmarks/seed.py) instead of a new one
    with `customers` registered; the orders then belong to every `spread`-th seeded customer."""
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    base = datetime.now(UTC) - timedelta(hours=2)
    loop_args = ["--uvloop"] if uvloop else []
    async with given_or_new(database_url, seeded) as database:
        if seeded is None:
            await register_customers(database, customers)

        floor_warmup = sign_all(events("FW", warmup, customers, base, spread), secret)
        async with child_process(
            "benchmarks.serve", "floor", *loop_args, max_seconds=CHILD_MAX_SECONDS
        ) as srv:
            floor_requests = sign_all(events("F", requests, customers, base, spread), secret)
            floor = await load(
                "bare FastAPI", srv.url, floor_requests, floor_warmup, workers, srv.pid, max_seconds
            )

        before = await table_counts(database)  # a seeded database has events of its own
        product_warmup = sign_all(events("W", warmup, customers, base, spread), secret)
        args = ["product", *database.child_args(), "--secret", secret, *loop_args]
        async with child_process("benchmarks.serve", *args, max_seconds=CHILD_MAX_SECONDS) as srv:
            product_requests = sign_all(events("R", requests, customers, base, spread), secret)
            delivery = lag.LagReport()
            async with lag.sampling(database, delivery):
                product = await load(
                    "POST /webhooks/repairs",
                    srv.url,
                    product_requests,
                    product_warmup,
                    workers,
                    srv.pid,
                    max_seconds,
                )
            await lag.drain(database, delivery)  # the server (and its delivery loop) still runs
        product.notes["delivery_lag"] = delivery.summary()
        counts = await table_counts(database)
        product.notes["rows_after"] = counts
        expected_events = before["processed_events"] + warmup + product.requests
        if counts["processed_events"] != expected_events:
            product.notes["warning"] = (
                f"{counts['processed_events']} events recorded, {expected_events} sent: see errors"
            )
    return Comparison("webhook ingestion", database.kind, product, floor)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--requests", type=int, default=3000, help="measured requests per side")
    parser.add_argument("--workers", type=int, default=8, help="concurrent client connections")
    parser.add_argument("--warmup", type=int, default=150, help="unmeasured requests first, per side")
    parser.add_argument("--customers", type=int, default=100, help="registered customers owning the orders")
    parser.add_argument("--max-seconds", type=float, default=45.0, help="time cap of each measured side")
    parser.add_argument("--database-url", help="postgresql+asyncpg://... (default: a new SQLite file)")
    parser.add_argument("--uvloop", action="store_true", help="serve both on uvloop")


def main() -> None:
    from benchmarks.report import print_comparisons

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    args = parser.parse_args()
    comparison = asyncio.run(
        bench(
            requests=args.requests,
            workers=args.workers,
            warmup=args.warmup,
            customers=args.customers,
            max_seconds=args.max_seconds,
            database_url=args.database_url,
            uvloop=args.uvloop,
        )
    )
    print_comparisons([comparison])


if __name__ == "__main__":
    main()
