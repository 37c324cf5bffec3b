"""Refuse before reading: the API's token before its body, and a cap on every body of every route."""

from __future__ import annotations

import re
from typing import Any

import pytest

from app.background import web_app
from webhooks.guard import API_MAX_BODY, MAX_BODY

TOKEN = "desk-token-for-the-guard"
AUTH = (b"authorization", f"Bearer {TOKEN}".encode())


class Wire:
    """A raw ASGI conversation: the body offered in chunks, how many of them the app pulled."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.pulled = 0
        self.status: int | None = None
        self.body = b""

    async def receive(self) -> dict[str, Any]:
        if self.pulled < len(self.chunks):
            self.pulled += 1
            more = self.pulled < len(self.chunks)
            return {"type": "http.request", "body": self.chunks[self.pulled - 1], "more_body": more}
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


async def call(
    app: Any, path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]], root_path: str = ""
) -> Wire:
    wire = Wire(chunks)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": root_path,
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    await app(scope, wire.receive, wire.send)
    return wire


# path parameters whose shape is checked before the body is read: a value of the right shape
PATH_VALUES = {"code": "ABCD-EFGH"}


def body_routes(app: Any) -> list[str]:
    """Every route that takes a body (as the app documents them), path parameters filled in."""
    paths = []
    for path, operations in app.openapi()["paths"].items():
        if operations.keys() & {"post", "put", "patch"}:
            paths.append(re.sub(r"\{([^}]+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), path))
    assert len(paths) >= 7, paths  # the repair, chat and API routes are all there
    return sorted(paths)


@pytest.fixture
async def app(make_container):
    container = await make_container(admin_api_token=TOKEN)
    return web_app(container, background=False)


async def test_an_anonymous_api_call_is_refused_before_a_byte_of_its_body_is_read(app):
    huge = [b"x" * 1024 * 1024] * 100  # 100 MB on offer
    for path in [p for p in body_routes(app) if p.startswith("/api/")]:
        wire = await call(app, path, huge, [])
        assert wire.status == 401, path
        assert wire.pulled == 0, path
        wrong = await call(app, path, [b"{bad"], [(b"authorization", b"Bearer nope")])
        assert wrong.status == 401 and wrong.pulled == 0, path
        assert b"invalid bearer token" in wrong.body


async def test_broken_json_without_a_token_is_a_401_not_a_description_of_the_json(app):
    wire = await call(app, "/api/v1/redemptions", [b"{bad"], [])
    assert wire.status == 401
    assert b"JSON" not in wire.body and b"missing bearer token" in wire.body


async def test_every_body_of_every_route_is_capped_even_when_its_length_is_not_declared(app):
    paths = body_routes(app)
    assert {"/webhooks/repairs", "/telegram/webhook", "/whatsapp/webhook"} <= set(paths)
    for path in paths:
        limit = API_MAX_BODY if path.startswith("/api/") else MAX_BODY
        chunks = [b"x" * 64 * 1024] * (limit // (64 * 1024) + 2)
        wire = await call(app, path, chunks, [AUTH])
        # a route that needs its channel or secret refuses on those grounds first (404, 401)
        assert wire.status in {413, 401, 404}, (path, wire.status)
        assert wire.pulled <= limit // (64 * 1024) + 1, path  # never the whole stream


async def test_a_declared_length_past_the_cap_is_refused_at_once(app):
    declared = [(b"content-length", str(API_MAX_BODY + 1).encode()), AUTH]
    wire = await call(app, "/api/v1/redemptions", [b"{}"], declared)
    assert wire.status == 413 and wire.pulled == 0
    nonsense = await call(app, "/webhooks/repairs", [b"{}"], [(b"content-length", b"12abc")])
    assert nonsense.status == 413 and nonsense.pulled == 0


async def test_an_api_body_past_the_cap_is_a_413_for_a_caller_with_the_token(app):
    chunks = [b'{"customer_id": 1, "points": 1, "order_id": "' + b"x" * API_MAX_BODY + b'"}']
    wire = await call(app, "/api/v1/redemptions", chunks, [AUTH])
    assert wire.status == 413
    assert b"body larger than" in wire.body


async def test_behind_a_root_path_the_api_is_guarded_all_the_same(app):
    huge = [b"x" * 64 * 1024] * 10
    wire = await call(app, "/loyalty/api/v1/redemptions", huge, [], root_path="/loyalty")
    assert wire.status == 401 and wire.pulled == 0
    with_token = await call(app, "/loyalty/api/v1/redemptions", huge, [AUTH], root_path="/loyalty")
    assert with_token.status == 413  # the API's own cap, not the larger one of the webhooks


@pytest.mark.parametrize("declared", ["\u00b2".encode("latin-1"), b"-1", b"1e3", b" 12"])
async def test_a_length_that_is_not_plain_digits_is_refused_not_a_crash(app, declared):
    wire = await call(app, "/webhooks/repairs", [b"{}"], [(b"content-length", declared)])
    assert wire.status == 413 and wire.pulled == 0
