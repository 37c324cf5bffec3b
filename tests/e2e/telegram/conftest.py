"""A fake Telegram Bot API: an aiohttp server on 127.0.0.1 (random port) that records every call.

Only Telegram's servers are faked; the product's aiogram client, session and sender run for real.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from tests.telegram_support import BOT_USERNAME, TOKEN

WEBHOOK_URL = "https://shop.example.com/telegram/webhook"
SECRET = "s3cret-Token_for-webhooks"


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeBotApi:
    url: str = ""
    calls: list[Call] = field(default_factory=list)
    scripted: dict[str, deque[tuple[int, dict[str, Any]]]] = field(default_factory=lambda: defaultdict(deque))
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7000))
    # Flood control like Telegram's: more than `rate_limit` messages in any second gets a 429.
    rate_limit: int | None = None
    accepted_at: list[float] = field(default_factory=list)  # time.monotonic() of each message taken
    refused_at: list[float] = field(default_factory=list)  # ... and of each 429 it answered

    def script(self, method: str, status: int, body: dict[str, Any]) -> None:
        """The next call of `method` gets this answer."""
        self.scripted[method.lower()].append((status, body))

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1) -> list[dict[str, Any]]:
        async with asyncio.timeout(5):
            while len(self.called(method)) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.called(method)

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        form = await request.post()
        params = {k: _decode(v) for k, v in form.items()}
        self.calls.append(Call(method, params))
        self.arrived.set()
        if method.lower() == "sendmessage" and parsed_length(params.get("text", "")) > 4096:
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"},
                status=400,
            )
        if self.scripted[method.lower()]:
            status, body = self.scripted[method.lower()].popleft()
            if status == 429:
                self.refused_at.append(time.monotonic())
            return web.json_response(body, status=status)
        if method.lower() == "sendmessage":
            now = time.monotonic()
            if self.rate_limit is not None and sum(now - t < 1 for t in self.accepted_at) >= self.rate_limit:
                self.refused_at.append(now)
                return web.json_response(too_many_requests(1), status=429)
            self.accepted_at.append(now)
        if method.lower() == "getupdates":
            return web.json_response({"ok": True, "result": await self._updates()})
        return web.json_response({"ok": True, "result": self._result(method, params)})

    async def _updates(self) -> list[dict[str, Any]]:
        if not self.updates:
            await asyncio.sleep(0.1)  # a short long-poll
        batch = list(self.updates)
        self.updates.clear()
        return batch

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method.lower() == "getme":
            return {"id": 42, "is_bot": True, "first_name": "Loyalty", "username": BOT_USERNAME}
        if method.lower() in {"sendmessage", "senddocument"}:
            chat = int(params["chat_id"])
            return {
                "message_id": next(self._ids),
                "date": 0,
                "chat": {"id": chat, "type": "private"},
                "text": params.get("text", ""),
            }
        return True


def parsed_length(text: str) -> int:
    """What Telegram counts against its limit: the text without HTML markup, in UTF-16 units."""
    return len(html.unescape(re.sub(r"<[^>]*>", "", text)).encode("utf-16-le")) // 2


def _decode(value: Any) -> Any:
    if not isinstance(value, str):
        return value  # an uploaded file
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    fake = FakeBotApi()
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.url = f"http://127.0.0.1:{port}"
    yield fake
    await runner.cleanup()


def too_many_requests(retry_after: int) -> dict[str, Any]:
    return {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }


def blocked() -> dict[str, Any]:
    return {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
