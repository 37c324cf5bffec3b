"""A fake repair system: a real HTTP server on 127.0.0.1 that checks each webhook's Standard Webhooks
signature with the library's own verifier, and answers what the test scripts (200 unless told)."""

from __future__ import annotations

import base64
import json
import socket
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks import Webhook, WebhookVerificationError

SECRET = "whsec_" + base64.b64encode(b"repair-system-outbound-key-32byt").decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class FakeRepairSystem:
    port: int = field(default_factory=free_port)
    secret: str = SECRET
    received: list[dict[str, Any]] = field(default_factory=list)  # verified deliveries, in order
    rejected: list[str] = field(default_factory=list)  # bad signatures
    script: deque[int] = field(default_factory=deque)  # statuses to answer next
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/loyalty"

    async def _hook(self, request: web.Request) -> web.Response:
        body = await request.text()
        try:
            payload = Webhook(self.secret).verify(body, dict(request.headers))
        except WebhookVerificationError as exc:
            self.rejected.append(str(exc))
            return web.Response(status=401, text="bad signature")
        self.received.append(
            {"id": request.headers["webhook-id"], "payload": payload, "raw": json.loads(body)}
        )
        status = self.script.popleft() if self.script else 200
        return web.Response(status=status, text="ok" if status < 300 else "try later")

    async def start(self) -> None:
        """Listen (until now a connection is refused: the system is down)."""
        app = web.Application()
        app.router.add_post("/hooks/loyalty", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
