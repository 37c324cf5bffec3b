"""The real server in a subprocess and Debian's chromium driven by Playwright, for the browser tests.

`served(folder, **env)` runs `loyalty serve` on a free port until the block ends; `OffsiteGuard`
records every request a page makes and refuses (and lists) any that leaves for another host, so a
CDN script or web font that slipped in shows up as a failure, not as a blank page on a closed network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright import sync_api as playwright_sync

from tests.e2e.test_serve import _clean_env, _free_port

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def served(folder: Path, **env: str) -> Iterator[str]:
    """`loyalty serve --no-scheduler` on SQLite in `folder` (unless env says otherwise); yields its URL."""
    port = _free_port()
    environment = _clean_env(**{"DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'loyalty.db'}", **env})
    log_path = folder / "serve.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [str(BIN / "loyalty"), "serve", "--no-scheduler", "--port", str(port)],
        cwd=folder,
        env=environment,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("loyalty serve did not become healthy: " + log_path.read_text())
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def launch(pw: playwright_sync.Playwright) -> playwright_sync.Browser:
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is needed: apt-get install chromium (.ci/run installs it)")
    return pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])


class OffsiteGuard:
    """Installed with `page.route("**/*", guard.route)`: this server's requests go through, others fail."""

    def __init__(self, served_url: str) -> None:
        self._origin = urlsplit(served_url).netloc
        self.ours: list[str] = []
        self.outside: list[str] = []

    def route(self, r: playwright_sync.Route) -> None:
        url = r.request.url
        if urlsplit(url).netloc == self._origin or url.startswith(("data:", "blob:")):
            self.ours.append(url)
            r.continue_()
        else:
            self.outside.append(url)
            r.abort()
