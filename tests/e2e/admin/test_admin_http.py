"""/admin over in-process HTTP: what the browser tests cannot set up cheaply (no token, https, expiry)."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from tests import kpi_data as shop
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
        for path in ("/admin", "/admin/login", "/admin/customers"):
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


async def _signed_in(client: httpx.AsyncClient) -> None:
    login = await client.get("/admin/login")
    signed = await client.post(
        "/admin/login", data={"token": TOKEN, "csrf_token": _csrf(login), "name": "Анна"}
    )
    assert signed.status_code == 303


async def test_the_dashboard_shows_each_campaigns_lift_over_its_holdout_and_no_csat_yet(make_container):
    container = await make_container(admin_api_token=TOKEN)
    await shop.campaign_shop(container.engine)
    async with running(container) as client:
        await _signed_in(client)
        page = await client.get("/admin", params={"from": "2026-11-01", "to": "2026-11-30"})
    assert page.status_code == 200
    rows = re.findall(r'<tr data-campaign="(\d+)">(.*?)</tr>', page.text, re.S)
    assert [cid for cid, _ in rows] == ["3", "2", "1"]
    with_holdout = dict(rows)["1"]
    assert "+1\xa0400 ₽" in with_holdout  # 2000.00 per reached recipient - 600.00 per held-out member
    assert "2\xa0554,0\xa0%" in with_holdout  # ROI 25.5403
    assert "без контрольной группы" in dict(rows)["2"]
    assert 'data-test="csat-none"' in page.text


async def test_a_searched_phone_is_not_carried_into_the_login_address(make_container):
    container = await make_container(admin_api_token=TOKEN)
    async with running(container) as client:
        page = await client.get("/admin/customers", params={"phone": "+79161234567", "page": "2"})
    assert page.status_code == 303
    assert "9161234567" not in page.headers["location"] and "page%3D2" in page.headers["location"]


async def test_an_adjustment_for_an_erased_customer_or_with_another_cards_key_changes_nothing(
    make_container, rules, clock
):
    from domain.services.privacy import delete_customer
    from tests.builders import registered

    container = await make_container(admin_api_token=TOKEN)
    first = (await registered(container.uow(), rules, clock.now(), "+79160000001")).customer.id
    second = (await registered(container.uow(), rules, clock.now(), "+79160000002")).customer.id
    async with running(container) as client:
        await _signed_in(client)
        card = await client.get(f"/admin/customers/{first}")
        key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', card.text).group(1)
        form = {"points": "10", "reason": "goodwill", "idempotency_key": key, "csrf_token": _csrf(card)}
        assert (await client.post(f"/admin/customers/{first}/adjustments", data=form)).status_code == 303
        # the same form posted for another customer (a stale tab): refused next to the field
        other = await client.post(f"/admin/customers/{second}/adjustments", data=form)
        assert other.status_code == 422 and "Форма устарела" in other.text
        async with container.uow() as uow:
            await delete_customer(uow, second, clock.now())
            await uow.commit()
        gone = await client.post(
            f"/admin/customers/{second}/adjustments", data={**form, "idempotency_key": "a" * 32}
        )
    assert gone.status_code == 404
    async with container.uow() as uow:
        assert await uow.ledger.balance_of(first) == 200 + 10
        assert await uow.ledger.balance_of(second) == 0
