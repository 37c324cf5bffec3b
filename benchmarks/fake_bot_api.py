"""A child process: a fake Telegram Bot API (aiohttp) on 127.0.0.1, a free port.

    python -m benchmarks.fake_bot_api --token TOKEN --max-seconds N

Like tests/e2e/telegram/conftest.py, only Telegram's servers are faked: the bot's aiogram client
and session run for real over HTTP. It answers every method with a plausible result (a sent
Message for sendMessage, the bot's User for getMe, else True), counts the calls and keeps the last
text sent; GET /stats returns them. It prints `READY <port>`, stops on SIGTERM/SIGINT, and stops by
itself after --max-seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import signal
from collections import Counter
from typing import Any

from aiohttp import web

from benchmarks.common import HOST, announce_ready

BOT = {"id": 42, "is_bot": True, "first_name": "Loyalty", "username": "loyalty_bench_bot"}


class FakeBotApi:
    def __init__(self, token: str) -> None:
        self.token = token
        self.counts: Counter[str] = Counter()
        self.last_text = ""
        self._ids = itertools.count(7000)

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"].lower()
        params = await request.post()
        self.counts[method] += 1
        result: Any = True
        if method == "getme":
            result = BOT
        elif method == "sendmessage":
            self.last_text = str(params.get("text", ""))
            result = {
                "message_id": next(self._ids),
                "date": 0,
                "chat": {"id": int(str(params["chat_id"])), "type": "private"},
                "from": BOT,
                "text": self.last_text,
            }
        return web.json_response({"ok": True, "result": result})

    async def stats(self, _request: web.Request) -> web.Response:
        return web.json_response({"counts": dict(self.counts), "last_text": self.last_text})


async def serve(token: str, max_seconds: float) -> None:
    fake = FakeBotApi(token)
    app = web.Application()
    app.router.add_post("/bot{token}/{method}", fake.handle)
    app.router.add_get("/stats", fake.stats)
    await serve_app(app, max_seconds)


async def serve_app(app: web.Application, max_seconds: float) -> None:
    """Listen on 127.0.0.1 (a free port), say READY, and stop on SIGTERM/SIGINT or after max_seconds."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, HOST, 0)
    await site.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    announce_ready(runner.addresses[0][1])
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=max_seconds)  # the watchdog
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--token", required=True)
    parser.add_argument("--max-seconds", type=float, default=300)
    args = parser.parse_args()
    asyncio.run(serve(args.token, args.max_seconds))


if __name__ == "__main__":
    main()
