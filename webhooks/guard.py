"""Refuse before reading: the API's token is checked, and every body capped, before a route runs.

A route (FastAPI) reads and parses its JSON body before its dependencies run, so a dependency
cannot keep an anonymous 100 MB body out of memory. This middleware sits in front of every
route, those added later included: under `/api/` a request without the right bearer token is
answered 401 before a byte of its body is read, and anywhere a body declared or streamed past
its cap is answered 413.
"""

from __future__ import annotations

import hmac
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"
API_MAX_BODY = 64 * 1024  # an adjustment, a redemption, a campaign: a few KB at most
MAX_BODY = 1024 * 1024  # the largest any route takes (a Telegram update); routes cap lower themselves


class BodyTooLarge(HTTPException):
    """Raised from `receive`: an HTTPException, so a route reading its body answers 413 with it."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"body larger than {limit} bytes")


class Guard:
    """`api_token` is ADMIN_API_TOKEN (None: the API refuses every call)."""

    def __init__(self, app: ASGIApp, api_token: str | None) -> None:
        self.app = app
        self._api_token = api_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = MAX_BODY
        if _route_path(scope).startswith(API_PREFIX):
            refusal = bearer_refusal(self._api_token, _header(scope, b"authorization"))
            if refusal is not None:
                return await _reply(send, 401, refusal, {"www-authenticate": "Bearer"})
            limit = API_MAX_BODY
        declared = _header(scope, b"content-length")
        if declared is not None and not (_digits(declared) and int(declared) <= limit):
            return await _reply(send, 413, f"body larger than {limit} bytes")
        started = False
        seen = 0

        async def capped_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, capped_receive, watched_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _reply(send, 413, exc.detail)


def bearer_refusal(token: str | None, authorization: str | None) -> str | None:
    """Why a call with this Authorization header is refused, or None; compared in constant time."""
    if token is None:
        return "the API is off: ADMIN_API_TOKEN is not set on the server"
    scheme, _, sent = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not sent.strip():
        return "missing bearer token"
    # Headers are latin-1 on the wire: encoding back gives the bytes that were sent.
    if not hmac.compare_digest(sent.strip().encode("latin-1"), token.encode("utf-8")):
        return "invalid bearer token"
    return None


def _route_path(scope: Scope) -> str:
    """The path the routes match (behind a root path or a mount, without its prefix)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()  # "²".isdigit() is True, and int("²") fails


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _reply(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
