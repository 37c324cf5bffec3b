"""`/docs` and `/redoc` render in a real browser with nothing fetched from outside the app.

Headless Debian `chromium` driven by Playwright (`executable_path`, no browser download). Every request
the page makes is recorded; one that leaves the server is refused and fails the test, so a CDN script
that slipped back in shows up as a failure here, not as a blank page on a shop's closed network.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright import sync_api as playwright_sync

from tests.e2e.test_serve import _clean_env, _free_port

BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("docs")
    port = _free_port()
    env = _clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'loyalty.db'}")
    log = (folder / "serve.log").open("w")
    proc = subprocess.Popen(
        [str(BIN / "loyalty"), "serve", "--no-scheduler", "--port", str(port)],
        cwd=folder,
        env=env,
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
            pytest.fail("loyalty serve did not become healthy: " + (folder / "serve.log").read_text())
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _open(served: str, path: str, rendered: str) -> tuple[list[str], list[str]]:
    """Load `path`, wait for the `rendered` selector; return (requests to this server, requests elsewhere)."""
    if CHROMIUM is None:
        pytest.fail("Debian's chromium is needed: apt-get install chromium (.ci/run installs it)")
    ours, outside = [], []
    origin = urlsplit(served).netloc
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()

            def route(r: playwright_sync.Route) -> None:
                url = r.request.url
                if urlsplit(url).netloc == origin or url.startswith(("data:", "blob:")):
                    ours.append(url)
                    r.continue_()
                else:
                    outside.append(url)
                    r.abort()

            page.route("**/*", route)
            page.goto(f"{served}{path}", wait_until="networkidle")
            page.wait_for_selector(rendered, timeout=30_000)
        finally:
            browser.close()
    return ours, outside


def test_swagger_ui_renders_the_operations_without_any_external_request(served: str):
    ours, outside = _open(served, "/docs", ".opblock-summary-path")
    assert outside == []
    assert any(u.endswith("/docs-assets/swagger-ui/swagger-ui-bundle.js") for u in ours)
    assert any(u.endswith("/openapi.json") for u in ours)


def test_redoc_renders_the_operations_without_any_external_request(served: str):
    ours, outside = _open(served, "/redoc", "[data-section-id^='tag/'], [data-section-id^='operation/']")
    assert outside == []
    assert any(u.endswith("/docs-assets/redoc/redoc.standalone.js") for u in ours)


def test_the_vendored_assets_are_served_with_their_licences(served: str):
    for path in (
        "swagger-ui/swagger-ui-bundle.js",
        "swagger-ui/swagger-ui.css",
        "swagger-ui/LICENSE",
        "swagger-ui/NOTICE",
        "redoc/redoc.standalone.js",
        "redoc/LICENSE",
    ):
        assert httpx.get(f"{served}/docs-assets/{path}", timeout=5).status_code == 200, path
    page = httpx.get(f"{served}/docs", timeout=5).text
    assert "cdn." not in page and "https://" not in page
