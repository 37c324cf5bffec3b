"""/admin over in-process HTTP: what the browser tests cannot set up cheaply (no token, https, expiry)."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from tests.e2e.conftest import running
from webhooks.admin.session import SESSION_COOKIE, open_session, read_session

TOKEN = "in-process-admin-token"


def _csrf(page: httpx.Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def test_without_admin_api_token_the_site_explains_what_to_set_and_offers_no_login(make_container):
    container = await make_container()
    async with running(container) as client:
        for path in ("/admin", "/admin/login"):
            page = await client.get(path)
            assert page.status_code == 503
            assert "ADMIN_API_TOKEN" in page.text and "Панель не настроена" in page.text
            assert 'type="password"' not in page.text
        refused = await client.post("/admin/login", data={"token": "anything"})
        assert refused.status_code == 503 and SESSION_COOKIE not in refused.headers.get("set-cookie", "")


async def test_the_cookies_are_secure_when_the_public_url_is_https(make_container):
    container = await make_container(admin_api_token=TOKEN, public_base_url="https://loyalty.example.ru")
    async with running(container) as client:
        login = await client.get("/admin/login")
        assert "secure" in login.headers["set-cookie"].lower()
        client.cookies.set("loyalty_admin_csrf", login.cookies["loyalty_admin_csrf"], path="/admin")
        signed = await client.post("/admin/login", data={"token": TOKEN, "csrf_token": _csrf(login)})
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    for flag in ("httponly", "secure", "samesite=strict", "path=/admin", "max-age=28800"):
        assert flag in cookie.lower()


async def test_a_session_cookie_older_than_its_lifetime_sends_the_browser_to_sign_in_again(make_container):
    container = await make_container(admin_api_token=TOKEN, admin_session_hours=1)
    session, cookie = open_session(TOKEN, "Анна")
    assert read_session(TOKEN, cookie, timedelta(hours=1)) == session
    assert read_session(TOKEN, cookie, timedelta(seconds=-1)) is None  # past its lifetime
    assert read_session("another-token", cookie, timedelta(hours=1)) is None  # a new token ends every session
    assert read_session(TOKEN, cookie[:-2] + "xx", timedelta(hours=1)) is None  # forged
    async with running(container) as client:
        client.cookies.set(SESSION_COOKIE, cookie[:-2] + "xx", path="/admin")
        page = await client.get("/admin")
    assert page.status_code == 303
    assert page.headers["location"] == "/admin/login?next=/admin&expired=1"


async def test_a_next_address_off_the_site_is_not_followed_after_login(make_container):
    container = await make_container(admin_api_token=TOKEN)
    async with running(container) as client:
        login = await client.get("/admin/login", params={"next": "//evil.example/admin"})
        signed = await client.post(
            "/admin/login",
            data={"token": TOKEN, "csrf_token": _csrf(login), "next": "https://evil.example/admin"},
        )
    assert signed.status_code == 303 and signed.headers["location"] == "/admin"
