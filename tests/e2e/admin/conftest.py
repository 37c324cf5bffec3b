"""The /admin site in a real browser: `loyalty serve` in a subprocess, Debian's chromium, seeded data.

Fixtures:
- `admin_server`: one server per test module (SQLite in a temporary folder, ADMIN_API_TOKEN = TOKEN,
  REPAIR_WEBHOOK_SECRET = SECRET); `fresh_server` is a private one for a test that changes its state
  (the wrong-token throttle is per client, and every test is the same client).
- `page`: a new browser context (no cookies) on that server; after the test it fails if any request
  left for another host.
- `signed_in`: the same, signed in as NAME through the login form.
- `seed`: data through the real use cases (members) and the real API (signed repair events, /api/v1).
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from playwright import sync_api as playwright_sync
from standardwebhooks.webhooks import Webhook

from app.bootstrap import bootstrap
from app.settings import Settings
from tests.builders import registered
from tests.e2e.browser import OffsiteGuard, launch, served

TOKEN = "admin-" + secrets.token_urlsafe(16)
SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
NAME = "Анна"
T = TypeVar("T")


@dataclass(frozen=True)
class AdminServer:
    url: str
    database_url: str

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """/api/v1 with the admin token: the numbers the pages must agree with."""
        headers = {"Authorization": f"Bearer {TOKEN}", **kwargs.pop("headers", {})}
        return httpx.request(method, f"{self.url}/api/v1{path}", headers=headers, timeout=10, **kwargs)


def _start(folder: Path) -> Iterator[AdminServer]:
    database_url = f"sqlite+aiosqlite:///{folder / 'loyalty.db'}"
    with served(
        folder, DATABASE_URL=database_url, ADMIN_API_TOKEN=TOKEN, REPAIR_WEBHOOK_SECRET=SECRET
    ) as url:
        yield AdminServer(url, database_url)


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdminServer]:
    yield from _start(tmp_path_factory.mktemp("admin"))


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[AdminServer]:
    yield from _start(tmp_path)


@pytest.fixture(scope="module")
def browser() -> Iterator[playwright_sync.Browser]:
    pw = playwright_sync.sync_playwright().start()
    chromium = launch(pw)
    try:
        yield chromium
    finally:
        chromium.close()
        pw.stop()


def open_page(
    browser: playwright_sync.Browser, server: AdminServer
) -> tuple[playwright_sync.Page, OffsiteGuard]:
    context = browser.new_context(
        base_url=server.url, viewport={"width": 1440, "height": 900}, locale="ru-RU"
    )
    guard = OffsiteGuard(server.url)
    context.route("**/*", guard.route)
    return context.new_page(), guard


@pytest.fixture
def page(browser: playwright_sync.Browser, admin_server: AdminServer) -> Iterator[playwright_sync.Page]:
    opened, guard = open_page(browser, admin_server)
    try:
        yield opened
    finally:
        opened.context.close()
    assert guard.outside == [], f"requests left for another host: {guard.outside}"


def sign_in(page: playwright_sync.Page, token: str = TOKEN, name: str = NAME) -> None:
    page.goto("/admin/login")
    page.fill("#f-token", token)
    page.fill("#f-name", name)
    page.click("button[type=submit].btn-primary")


@pytest.fixture
def signed_in(page: playwright_sync.Page) -> playwright_sync.Page:
    sign_in(page)
    page.wait_for_url("**/admin")
    return page


def run(coro: Coroutine[Any, Any, T]) -> T:
    """An async use case from a sync (Playwright) test: on its own loop, in its own thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


class Seeder:
    def __init__(self, server: AdminServer) -> None:
        self.server = server

    def member(self, phone: str, name: str = "Иван Петров", **overrides: Any) -> int:
        """A registered member (the registration use case on the server's database); their id."""

        async def register() -> int:
            container = bootstrap(
                Settings(_env_file=None, database_url=self.server.database_url),  # type: ignore[call-arg]
                channel_builders={},
            )
            try:
                result = await registered(
                    container.uow(),
                    container.rules,
                    datetime.now(UTC),
                    phone,
                    name=name,
                    external_id=f"tg-{phone}-{uuid.uuid4().hex[:6]}",
                    **overrides,
                )
            finally:
                await container.aclose()
            assert result.customer.id is not None
            return result.customer.id

        return run(register())

    def repair(
        self, phone: str, amount: str, order_id: str | None = None, at: datetime | None = None
    ) -> None:
        """A completed repair, as the repair system sends it (signed, POST /webhooks/repairs)."""
        sent = datetime.now(UTC)
        at = at or sent
        body = json.dumps(
            {
                "type": "repair.completed",
                "order_id": order_id or f"R-{uuid.uuid4().hex[:8]}",
                "customer": {"phone": phone, "name": "Иван Петров"},
                "device": {"category": "phone", "brand": "Apple", "model": "iPhone 13"},
                "status": "completed",
                "amount": amount,
                "items": [{"name": "Замена дисплея", "kind": "repair", "price": amount}],
                "occurred_at": at.isoformat(),
            }
        ).encode()
        msg_id = f"msg_{uuid.uuid4().hex}"
        headers = {
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(sent.timestamp())),
            "webhook-signature": Webhook(SECRET).sign(msg_id, sent, body.decode()),
            "content-type": "application/json",
        }
        answer = httpx.post(f"{self.server.url}/webhooks/repairs", content=body, headers=headers, timeout=10)
        assert answer.status_code < 300, answer.text


@pytest.fixture
def seed(admin_server: AdminServer) -> Seeder:
    return Seeder(admin_server)
