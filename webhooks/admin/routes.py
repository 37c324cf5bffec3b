"""Every /admin page router in one place, its static files, and the refusals answered as pages."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from webhooks.admin import campaign_page, campaigns, customers, dashboard, language, login
from webhooks.admin.pages import STATIC, render_page
from webhooks.admin.session import SESSION_COOKIE
from webhooks.admin.visit import LANG_COOKIE, AdminRefusal, login_url
from webhooks.deps import WebDeps

PREFIX = "/admin"
# each module's `router`, mounted under PREFIX; `campaigns` before `campaign_page`: /campaigns/new first
PAGES = (login, language, dashboard, customers, campaigns, campaign_page)


async def _refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AdminRefusal)
    deps: WebDeps = request.app.state.deps
    if exc.kind == "login":
        target = login_url(request)
        if request.cookies.get(SESSION_COOKIE):
            target += "&expired=1"
        return RedirectResponse(target, status_code=303)
    if exc.kind == "csrf" and exc.visit is not None:
        return exc.visit.render("refused.html", status=403)
    # no token set: nobody can sign in, so the page only says what to set
    if deps.admin is None:
        return HTMLResponse(status_code=404)
    words = deps.admin.texts.words(request.cookies.get(LANG_COOKIE))
    return HTMLResponse(render_page("setup.html", w=words), status_code=503)


def mount_admin(app: FastAPI) -> None:
    app.mount("/admin/static", StaticFiles(directory=STATIC), name="admin-static")
    for page in PAGES:
        app.include_router(page.router, prefix=PREFIX, include_in_schema=False)
    app.add_exception_handler(AdminRefusal, _refusal)
