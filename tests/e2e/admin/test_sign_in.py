"""Signing in to /admin in a real browser: the token once, then a strict session cookie; sign out;
wrong tokens refused and slowed down; a form without its CSRF token refused and nothing changed."""

from __future__ import annotations

import time

from playwright import sync_api as playwright_sync

from tests.e2e.admin.conftest import NAME, TOKEN, AdminServer, open_page, sign_in

SESSION = "loyalty_admin_session"


def _cookie(page: playwright_sync.Page, name: str) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == name), None)


def test_the_token_entered_once_opens_the_dashboard_with_an_http_only_strict_expiring_cookie(
    page: playwright_sync.Page,
):
    page.goto("/admin")
    page.wait_for_url("**/admin/login?next=/admin")
    sign_in(page)
    page.wait_for_url("**/admin")
    assert page.locator("h1").inner_text() == "Обзор программы"
    assert NAME in page.locator(".who").inner_text()
    cookie = _cookie(page, SESSION)
    assert cookie is not None
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/admin"
    assert cookie["secure"] is False  # PUBLIC_BASE_URL is http here; https makes it Secure
    assert 8 * 3600 - 60 < cookie["expires"] - time.time() <= 8 * 3600
    assert TOKEN not in cookie["value"]
    page.goto("/admin/customers")  # the next page needs no token again
    assert "/login" not in page.url


def test_a_wrong_token_is_refused_next_to_the_field_and_gives_no_session(page: playwright_sync.Page):
    sign_in(page, token="not-the-token")
    error = page.locator("[data-error-for=token]")
    assert error.inner_text() == "Неверный токен."
    assert "/admin/login" in page.url
    assert _cookie(page, SESSION) is None
    page.goto("/admin")
    page.wait_for_url("**/admin/login?next=/admin")


def test_repeated_wrong_tokens_are_slowed_down_even_before_the_right_one(
    browser: playwright_sync.Browser, fresh_server: AdminServer
):
    page, guard = open_page(browser, fresh_server)
    try:
        for _ in range(5):
            sign_in(page, token="guess")
            assert page.locator("[data-error-for=token]").inner_text() == "Неверный токен."
        answer = page.request.get("/admin/login")
        assert answer.ok
        sign_in(page)  # the right token, but this client must wait first
        notice = page.locator("[data-test=notice]")
        assert "Слишком много неудачных попыток" in notice.inner_text()
        assert _cookie(page, SESSION) is None
    finally:
        page.context.close()
    assert guard.outside == []


def test_a_form_posted_without_its_csrf_token_is_refused_with_403_and_changes_nothing(
    signed_in: playwright_sync.Page,
):
    page = signed_in
    before = _cookie(page, SESSION)
    for path, form in (
        ("/admin/logout", {}),
        ("/admin/language", {"lang": "en", "next": "/admin"}),
        ("/admin/login", {"token": TOKEN, "name": "Мэллори"}),
    ):
        answer = page.request.post(path, form=form, max_redirects=0)
        assert answer.status == 403, path
        assert "CSRF" in answer.text()
        forged = page.request.post(path, form={**form, "csrf_token": "forged"}, max_redirects=0)
        assert forged.status == 403, path
    assert _cookie(page, SESSION) == before
    page.goto("/admin")
    assert page.locator("h1").inner_text() == "Обзор программы"  # still signed in, still in Russian


def test_signing_out_ends_the_session(signed_in: playwright_sync.Page):
    page = signed_in
    page.click("[data-test=logout]")
    page.wait_for_url("**/admin/login?bye=1")
    assert page.locator("[data-test=notice]").inner_text() == "Вы вышли из панели."
    assert _cookie(page, SESSION) is None
    page.goto("/admin")
    page.wait_for_url("**/admin/login?next=/admin")


def test_the_language_switch_is_remembered_across_pages(signed_in: playwright_sync.Page):
    page = signed_in
    page.click(".lang button[value=en]")
    page.wait_for_url("**/admin")
    assert page.locator("h1").inner_text() == "Program overview"
    page.goto("/admin/login")  # signed in: back to the overview, still in English
    assert page.locator("nav.nav a").first.inner_text() == "Overview"
    page.click(".lang button[value=ru]")
    assert page.locator("h1").inner_text() == "Обзор программы"
