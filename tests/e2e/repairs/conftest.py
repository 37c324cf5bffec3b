"""The app as the repair system and the desk see it: signed events and the bearer-token API."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from app.bootstrap import Container
from store.tables import metadata
from tests.builders import registered
from tests.e2e.conftest import running

SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
TOKEN = "desk-" + secrets.token_urlsafe(16)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PHONE = "+79161234567"


def sign(body: bytes, msg_id: str, at: datetime, secret: str = SECRET) -> dict[str, str]:
    """Headers exactly as a Standard Webhooks sender makes them (the library's own `sign`)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body.decode()),
        "content-type": "application/json",
    }


def event(
    type: str = "repair.status_changed",
    *,
    order_id: str = "R-1042",
    phone: str = "+7 916 123-45-67",
    status: str | None = "received",
    amount: str | None = None,
    items: list[dict[str, str]] | None = None,
    occurred_at: str = "2026-11-22T09:00:00+03:00",
    **extra: Any,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": type,
        "order_id": order_id,
        "customer": {"phone": phone, "name": "Иван Петров"},
        "device": {"category": "phone", "brand": "Apple", "model": "iPhone 13"},
        "occurred_at": occurred_at,
        **extra,
    }
    if status is not None:
        payload["status"] = status
    if amount is not None:
        payload["amount"] = amount
    if items is not None:
        payload["items"] = items
    return payload


def completed(order_id: str = "R-1042", amount: str = "4500.00", **extra: Any) -> dict[str, Any]:
    return event(
        "repair.completed",
        order_id=order_id,
        status="completed",
        amount=amount,
        occurred_at=extra.pop("occurred_at", "2026-11-22T09:30:00+03:00"),
        **extra,
    )


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


@dataclass
class Desk:
    """The repair system and the desk, talking to one running app."""

    container: Container
    client: httpx.AsyncClient

    async def post_event(
        self, payload: dict[str, Any], *, msg_id: str | None = None, at: datetime | None = None
    ) -> httpx.Response:
        body = body_of(payload)
        headers = sign(body, msg_id or f"msg_{uuid.uuid4().hex}", at or self.container.clock.now())
        return await self.client.post("/webhooks/repairs", content=body, headers=headers)

    async def register(self, phone: str = PHONE, **overrides: Any) -> int:
        result = await registered(
            self.container.uow(), self.container.rules, self.container.clock.now(), phone, **overrides
        )
        assert result.customer.id is not None
        return result.customer.id

    async def balance(self, customer_id: int) -> int:
        async with self.container.uow() as uow:
            stored = await uow.ledger.balance_of(customer_id)
            assert stored == await uow.ledger.sum_of_entries(customer_id)
            return stored

    async def counts(self) -> dict[str, int]:
        """Rows in every table: proof that a refused request wrote nothing."""
        async with self.container.engine.connect() as conn:
            return {
                t.name: int(await conn.scalar(sa.select(sa.func.count()).select_from(t)) or 0)
                for t in metadata.sorted_tables
            }

    async def outbox(self, customer_id: int) -> list[tuple[str, dict[str, Any]]]:
        rows = await self._rows(
            "SELECT template, context FROM outbox WHERE customer_id = :c ORDER BY id", c=customer_id
        )
        return [(r[0], r[1] if isinstance(r[1], dict) else json.loads(r[1])) for r in rows]

    async def _rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.container.engine.connect() as conn:
            return list(await conn.execute(sa.text(sql), params))

    async def code_sent(self, customer_id: int) -> str:
        codes = [ctx["code"] for name, ctx in await self.outbox(customer_id) if name == "redemption_code"]
        return str(codes[-1])


@pytest.fixture
async def desk(make_container) -> AsyncIterator[Desk]:
    container = await make_container(admin_api_token=TOKEN, repair_webhook_secret=SECRET)
    async with running(container) as client:
        yield Desk(container, client)
