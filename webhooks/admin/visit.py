"""One request to an /admin page: its language, session and CSRF seed, and how it answers.

Routes take `Visit` (any page, the login page) or `SignedIn` (every other page: without a live
session the browser is sent to the login page). Both refuse an unsafe request whose form lacks a
valid CSRF token (403), and both explain the setup when ADMIN_API_TOKEN is not set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from messages.admin import AdminWords
from webhooks.admin import csrf
from webhooks.admin.pages import render_page
from webhooks.admin.session import COOKIE_PATH, SESSION_COOKIE, AdminSession, read_session
from webhooks.admin.site import AdminSite
from webhooks.deps import Deps

LANG_COOKIE = "loyalty_admin_lang"
LANG_MAX_AGE = 365 * 24 * 3600


class AdminRefusal(Exception):
    """Answered as a page by webhooks/admin/routes.py: setup needed, login needed, CSRF refused."""

    def __init__(self, kind: str, visit: Visit | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.visit = visit


@dataclass
class Visit:
    request: Request
    site: AdminSite
    token: str
    words: AdminWords
    session: AdminSession | None
    seed: str
    new_seed: bool = False
    cookies: list[tuple[str, str, int | None]] = field(default_factory=list)

    @property
    def csrf_token(self) -> str:
        return csrf.form_token(self.token, self.seed, self.session.sid if self.session else None)

    def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        """The page `template` in this visit's language, with its cookies set."""
        response = HTMLResponse(
            render_page(template, visit=self, w=self.words, **context), status_code=status
        )
        self.finish(response)
        return response

    def redirect(self, url: str) -> RedirectResponse:
        """See other (303): the browser GETs `url` after a post, so a reload does not post twice."""
        response = RedirectResponse(url, status_code=303)
        self.finish(response)
        return response

    def set_cookie(self, name: str, value: str, max_age: int | None) -> None:
        self.cookies.append((name, value, max_age))

    def finish(self, response: Response) -> Response:
        if self.new_seed:
            self.set_cookie(csrf.CSRF_COOKIE, self.seed, None)
            self.new_seed = False
        for name, value, max_age in self.cookies:
            if value:
                response.set_cookie(
                    name,
                    value,
                    max_age=max_age,
                    path=COOKIE_PATH,
                    secure=self.site.secure_cookies,
                    httponly=True,
                    samesite="strict",
                )
            else:
                response.delete_cookie(
                    name, path=COOKIE_PATH, secure=self.site.secure_cookies, httponly=True, samesite="strict"
                )
        self.cookies.clear()
        return response


def safe_next(target: str | None) -> str:
    """Only a path of this site: a `next` pointing elsewhere would make the login an open redirect."""
    if target and target.startswith("/admin") and "//" not in target and "\\" not in target:
        return target
    return "/admin"


def login_url(request: Request) -> str:
    """Back to this page after signing in; a phone searched for is left out of the address, which
    lands in the access log (encoded past its phone filter) and the browser's history."""
    kept = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if k.lower() != "phone"]
    here = request.url.path + (f"?{urlencode(kept)}" if kept else "")
    return f"/admin/login?next={quote(here, safe='/')}"


async def visit(request: Request, deps: Deps) -> Visit:
    site = deps.admin
    if site is None or not deps.admin_api_token:
        raise AdminRefusal("setup", None)
    token = deps.admin_api_token
    words = site.texts.words(request.cookies.get(LANG_COOKIE))
    session = read_session(token, request.cookies.get(SESSION_COOKIE), site.session_ttl)
    seed = request.cookies.get(csrf.CSRF_COOKIE)
    current = Visit(request, site, token, words, session, seed or csrf.new_seed(), new_seed=not seed)
    if request.method not in csrf.SAFE_METHODS:
        form = await request.form()
        sent = form.get(csrf.CSRF_FIELD)
        if not csrf.token_holds(
            token,
            sent if isinstance(sent, str) else None,
            seed,
            session.sid if session else None,
            site.session_ttl,
        ):
            raise AdminRefusal("csrf", current)
    return current


async def signed_in(current: Annotated[Visit, Depends(visit)]) -> Visit:
    if current.session is None:
        raise AdminRefusal("login", current)
    return current


VisitDep = Annotated[Visit, Depends(visit)]
SignedIn = Annotated[Visit, Depends(signed_in)]
