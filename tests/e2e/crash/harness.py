"""The crash test's parts: a slow fake Bot API, `loyalty serve` as a subprocess, and its secrets."""

from __future__ import annotations

import asyncio
import base64
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
from aiohttp import web

from tests.e2e.telegram.conftest import FakeBotApi
from tests.e2e.test_serve import _free_port

LOYALTY = Path(sys.executable).with_name("loyalty")
TG_SECRET = "crash-" + secrets.token_hex(8)
REPAIR_SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
ADMIN_TOKEN = "desk-" + secrets.token_urlsafe(16)
BOT_API_DELAY = 0.4  # the Bot API is slow on sendMessage: a crash lands inside handlers
STARTUP_TIMEOUT = 45.0


# --- the fake Bot API ---------------------------------------------------------------------------


@dataclass
class SlowBotApi(FakeBotApi):
    """The suite's fake Bot API with a slow sendMessage, so that a crash lands on either side of it.

    A message takes a while to be accepted, and one whose sender died meanwhile is never sent (the
    connection is gone); an accepted one is recorded (the customer has it), then answered late.
    """

    delay: float = BOT_API_DELAY

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"].lower() != "sendmessage":
            return await super().handle(request)
        await asyncio.sleep(self.delay / 2)
        if request.transport is None or request.transport.is_closing():
            return web.Response(status=499)  # nobody is listening: the message was not sent
        response = await super().handle(request)
        await asyncio.sleep(self.delay / 2)
        return response


# --- `loyalty serve` as a subprocess ------------------------------------------------------------


def _open_log(path: Path) -> IO[bytes]:
    return path.open("ab")


@dataclass
class Serve:
    """One `loyalty serve` process at a time; the log of all of them in one file."""

    cwd: Path
    env: dict[str, str]
    log_path: Path
    proc: asyncio.subprocess.Process | None = None
    url: str = ""
    started: list[float] = field(default_factory=list)

    async def start(self) -> None:
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = _open_log(self.log_path)
        try:
            self.proc = await asyncio.create_subprocess_exec(
                str(LOYALTY),
                "serve",
                "--port",
                str(port),
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()
        began = time.monotonic()
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                try:
                    if (await client.get(f"{self.url}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert self.proc.returncode is None, f"serve exited at start:\n{self.log()}"
                assert time.monotonic() - began < STARTUP_TIMEOUT, f"serve did not come up:\n{self.log()}"
                await asyncio.sleep(0.1)
        self.started.append(time.monotonic() - began)

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no rollback, no flush."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        self.kill()
        if self.proc is not None:
            await asyncio.wait_for(self.proc.wait(), 30)
            self.proc = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


async def _run(*args: str, cwd: Path, env: dict[str, str]) -> None:
    proc = await asyncio.create_subprocess_exec(
        *args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output, _ = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, output.decode(errors="replace")
