"""`/docs` and `/redoc` render in a real browser with nothing fetched from outside the app.

Headless Debian `chromium` driven by Playwright (`executable_path`, no browser download). Every request
the page makes is recorded; one that leaves the server is refused and fails the test, so a CDN script
that slipped back in shows up as a failure here, not as a blank page on a shop's closed network.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright import sync_api as playwright_sync

from tests.e2e.browser import OffsiteGuard, launch, served


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served(tmp_path_factory.mktemp("docs")) as url:
        yield url


def _open(base: str, path: str, rendered: str) -> tuple[list[str], list[str]]:
    """Load `path`, wait for the `rendered` selector; return (requests to this server, requests elsewhere)."""
    guard = OffsiteGuard(base)
    with playwright_sync.sync_playwright() as pw:
        browser = launch(pw)
        try:
            page = browser.new_page()
            page.route("**/*", guard.route)
            page.goto(f"{base}{path}", wait_until="networkidle")
            page.wait_for_selector(rendered, timeout=30_000)
        finally:
            browser.close()
    return guard.ours, guard.outside


def test_swagger_ui_renders_the_operations_without_any_external_request(server: str):
    ours, outside = _open(server, "/docs", ".opblock-summary-path")
    assert outside == []
    assert any(u.endswith("/docs-assets/swagger-ui/swagger-ui-bundle.js") for u in ours)
    assert any(u.endswith("/openapi.json") for u in ours)


def test_redoc_renders_the_operations_without_any_external_request(server: str):
    ours, outside = _open(server, "/redoc", "[data-section-id^='tag/'], [data-section-id^='operation/']")
    assert outside == []
    assert any(u.endswith("/docs-assets/redoc/redoc.standalone.js") for u in ours)


def test_the_vendored_assets_are_served_with_their_licences(server: str):
    for path in (
        "swagger-ui/swagger-ui-bundle.js",
        "swagger-ui/swagger-ui.css",
        "swagger-ui/LICENSE",
        "swagger-ui/NOTICE",
        "redoc/redoc.standalone.js",
        "redoc/LICENSE",
    ):
        assert httpx.get(f"{server}/docs-assets/{path}", timeout=5).status_code == 200, path
    page = httpx.get(f"{server}/docs", timeout=5).text
    assert "cdn." not in page and "https://" not in page
