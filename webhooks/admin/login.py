"""Sign in with the admin token (once; then a session cookie), sign out."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from webhooks.admin.forms import Form
from webhooks.admin.session import SESSION_COOKIE, open_session
from webhooks.admin.visit import SignedIn, VisitDep, safe_next

router = APIRouter()


def _client(visit: VisitDep) -> str:
    client = visit.request.client
    return client.host if client else "unknown"


@router.get("/login", include_in_schema=False)
async def login_page(
    visit: VisitDep,
    next_: Annotated[str | None, Query(alias="next", max_length=500)] = None,
    bye: bool = False,
    expired: bool = False,
) -> Response:
    if visit.session is not None:
        return visit.redirect(safe_next(next_))
    notice = "login.signed_out" if bye else "login.expired" if expired else None
    return visit.render(
        "login.html", form=Form({"next": safe_next(next_)}), notice=notice and visit.words.t(notice)
    )


@router.post("/login", include_in_schema=False)
async def login(visit: VisitDep) -> Response:
    form = Form(await visit.request.form())
    sent = form.text("token", max_length=500)
    name = form.text("name", required=False, max_length=40)
    target = safe_next(form.value("next"))
    client = _client(visit)
    wait = await visit.site.throttle.wait_seconds(client)
    if wait:
        response = visit.render(
            "login.html", status=429, form=form, notice=visit.words.t("login.throttled", seconds=wait)
        )
        response.headers["Retry-After"] = str(wait)
        return response
    if not form.ok:
        return visit.render("login.html", status=422, form=form, notice=None)
    if not hmac.compare_digest(sent.encode(), visit.token.encode()):
        await visit.site.throttle.failed(client)
        form.fail("token", "login.wrong_token")
        return visit.render("login.html", status=401, form=form, notice=None)
    _, cookie = open_session(visit.token, name)
    visit.set_cookie(SESSION_COOKIE, cookie, int(visit.site.session_ttl.total_seconds()))
    return visit.redirect(target)


@router.post("/logout", include_in_schema=False)
async def logout(visit: SignedIn) -> Response:
    visit.set_cookie(SESSION_COOKIE, "", None)
    return visit.redirect("/admin/login?bye=1")
