"""A child process: a fake Telegram Bot API that enforces Telegram's broadcast limits, on 127.0.0.1.

    python -m benchmarks.limited_bot_api --token T [--per-second 30] [--per-chat-seconds 1] [--latency-ms 0]

`sendMessage` beyond `--per-second` accepted messages within any sliding second, or to a chat that
got one less than `--per-chat-seconds` ago, is refused like Telegram does: 429 with
`parameters.retry_after`. Accepted messages are recorded per chat with their time; GET /stats
returns how many were accepted and refused, the chats that got more than one message (duplicates),
and the time of every accepted message (monotonic seconds); POST /reset forgets everything. It prints
`READY <port>` and stops on SIGTERM or by itself after --max-seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import time
from collections import Counter, deque
from typing import Any

from aiohttp import web

from benchmarks.fake_bot_api import serve_app

BOT = {"id": 42, "is_bot": True, "first_name": "Loyalty", "username": "loyalty_bench_bot"}


class LimitedBotApi:
    def __init__(self, token: str, per_second: int, per_chat_seconds: float, latency: float = 0.0) -> None:
        self.token = token
        self.latency = latency
        self.per_second = per_second
        self.per_chat_seconds = per_chat_seconds
        self._ids = itertools.count(7000)
        self.reset()

    def reset(self) -> None:
        self.window: deque[float] = deque()
        self.last_by_chat: dict[int, float] = {}
        self.per_chat: Counter[int] = Counter()
        self.accepted = 0
        self.refused = 0
        self.times: list[float] = []

    def _refuse(self, retry_after: int) -> web.Response:
        self.refused += 1
        return web.json_response(
            {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            },
            status=429,
        )

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"].lower()
        params = await request.post()
        if method == "getme":
            return web.json_response({"ok": True, "result": BOT})
        if method != "sendmessage":
            return web.json_response({"ok": True, "result": True})
        if self.latency:
            # the way to Telegram and back, half before the server counts the message, half after
            await asyncio.sleep(self.latency / 2)
        now = time.monotonic()
        chat = int(str(params["chat_id"]))
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.per_second:
            return self._refuse(1)
        previous = self.last_by_chat.get(chat)
        if previous is not None and now - previous < self.per_chat_seconds:
            return self._refuse(1)
        self.window.append(now)
        self.last_by_chat[chat] = now
        self.per_chat[chat] += 1
        self.accepted += 1
        self.times.append(now)
        message = {
            "message_id": next(self._ids),
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": BOT,
            "text": str(params.get("text", "")),
        }
        if self.latency:
            await asyncio.sleep(self.latency / 2)
        return web.json_response({"ok": True, "result": message})

    async def stats(self, _request: web.Request) -> web.Response:
        body: dict[str, Any] = {
            "accepted": self.accepted,
            "refused_429": self.refused,
            "chats": len(self.per_chat),
            "duplicates": sum(n - 1 for n in self.per_chat.values() if n > 1),
            "times": self.times,
            "chat_ids": sorted(self.per_chat),
            "now": time.monotonic(),
        }
        return web.json_response(body)

    async def reset_stats(self, _request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True})


async def serve(
    token: str, per_second: int, per_chat_seconds: float, latency: float, max_seconds: float
) -> None:
    fake = LimitedBotApi(token, per_second, per_chat_seconds, latency)
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    app.router.add_get("/stats", fake.stats)
    app.router.add_post("/reset", fake.reset_stats)
    await serve_app(app, max_seconds)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--per-second", type=int, default=30)
    parser.add_argument("--per-chat-seconds", type=float, default=1.0)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="round trip added to each send")
    parser.add_argument("--max-seconds", type=float, default=600)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                args.token, args.per_second, args.per_chat_seconds, args.latency_ms / 1000, args.max_seconds
            )
        )


if __name__ == "__main__":
    main()
