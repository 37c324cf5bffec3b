"""WhatsApp end to end: the real app and Twilio client against a fake Twilio REST server on 127.0.0.1."""

from __future__ import annotations

import base64
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web
from twilio.request_validator import RequestValidator

from app.bootstrap import Container, whatsapp_channel
from bot.whatsapp.runtime import WhatsAppRuntime
from domain.customers import Channel
from tests.e2e.conftest import running

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-auth-token-0123456789"
FROM = "whatsapp:+14155238886"
PUBLIC = "https://loyalty.example.com"
WA_ID = "79161234567"
PHONE = "+79161234567"


@dataclass
class FakeTwilio:
    """Records Messages.json calls and answers like Twilio (201 + a message), or from a script."""

    url: str = ""
    sent: list[dict[str, str]] = field(default_factory=list)
    script: list[tuple[int, dict[str, Any] | str, dict[str, str]]] = field(default_factory=list)
    auth_failures: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def answer(self, status: int, body: dict[str, Any] | str, headers: dict[str, str] | None = None) -> None:
        """The next answer instead of a 201: a JSON error body, or raw text (a broken proxy)."""
        self.script.append((status, body, headers or {}))

    async def messages(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected or request.match_info["sid"] != ACCOUNT_SID:
            self.auth_failures += 1
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        form = dict(await request.post())
        self.sent.append({k: str(v) for k, v in form.items()})
        if self.script:
            status, body, headers = self.script.pop(0)
            if isinstance(body, str):
                return web.Response(text=body, status=status, headers=headers)
            return web.json_response(body, status=status, headers=headers)
        sid = f"SM{next(self._ids):032x}"
        return web.json_response(
            {
                "sid": sid,
                "account_sid": ACCOUNT_SID,
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "date_created": "Sun, 22 Nov 2026 07:00:00 +0000",
                "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
            },
            status=201,
        )

    @property
    def bodies(self) -> list[str]:
        return [m.get("Body", "") for m in self.sent]


@pytest.fixture
async def fake_twilio() -> AsyncIterator[FakeTwilio]:
    fake = FakeTwilio()
    app = web.Application()
    app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", fake.messages)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    fake.url = f"http://{host}:{port}"
    yield fake
    await runner.cleanup()


def whatsapp_settings(fake: FakeTwilio, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": AUTH_TOKEN,
        "twilio_whatsapp_from": FROM,
        "twilio_api_base_url": fake.url,
        "public_base_url": PUBLIC,
        "channel_builders": {Channel.WHATSAPP: whatsapp_channel},
    }
    values.update(overrides)
    return values


@pytest.fixture
async def wa(make_container, fake_twilio) -> AsyncIterator[Container]:
    container = await make_container(**whatsapp_settings(fake_twilio))
    yield container
    await runtime_of(container).stop()


def runtime_of(container: Container) -> WhatsAppRuntime:
    runtime = container.channels[Channel.WHATSAPP]
    assert isinstance(runtime, WhatsAppRuntime)
    return runtime


@pytest.fixture
async def client(wa: Container) -> AsyncIterator[httpx.AsyncClient]:
    async with running(wa) as http:
        yield http


def inbound_form(body: str, wa_id: str = WA_ID, sid: str | None = None, **extra: str) -> dict[str, str]:
    """The fields Twilio posts for an inbound WhatsApp message."""
    inbound_form.counter += 1  # type: ignore[attr-defined]
    form = {
        "SmsMessageSid": sid or f"SM{inbound_form.counter:032d}",  # type: ignore[attr-defined]
        "MessageSid": sid or f"SM{inbound_form.counter:032d}",  # type: ignore[attr-defined]
        "AccountSid": ACCOUNT_SID,
        "From": f"whatsapp:+{wa_id}",
        "To": FROM,
        "WaId": wa_id,
        "ProfileName": "Иван",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "MessageType": "text",
        "ApiVersion": "2010-04-01",
    }
    form.update(extra)
    return form


inbound_form.counter = 0  # type: ignore[attr-defined]


def sign(path: str, form: dict[str, str], *, token: str = AUTH_TOKEN, base: str = PUBLIC) -> str:
    return RequestValidator(token).compute_signature(base + path, form)


async def post_signed(
    http: httpx.AsyncClient, path: str, form: dict[str, str], **signing: str
) -> httpx.Response:
    return await http.post(path, data=form, headers={"X-Twilio-Signature": sign(path, form, **signing)})


async def say(http: httpx.AsyncClient, fake: FakeTwilio, text: str, wa_id: str = WA_ID, **extra: str) -> str:
    """Send one inbound message; return what the bot answered (all parts joined)."""
    before = len(fake.sent)
    response = await post_signed(http, "/whatsapp/webhook", inbound_form(text, wa_id, **extra))
    assert response.status_code == 200, response.text
    assert "<Response>" in response.text
    replies = fake.sent[before:]
    assert all(m["To"] == f"whatsapp:+{wa_id}" and m["From"] == FROM for m in replies)
    return "\n\n".join(m.get("Body", "") for m in replies)


async def register(
    http: httpx.AsyncClient, fake: FakeTwilio, wa_id: str = WA_ID, *, locale: str = "ru"
) -> str:
    """The whole sign-up in a few messages; returns the welcome reply."""
    await say(http, fake, "Привет" if locale == "ru" else "Hi", wa_id)
    await say(http, fake, "да" if locale == "ru" else "yes", wa_id)
    await say(http, fake, "15.05.1990", wa_id)
    return await say(http, fake, "да" if locale == "ru" else "yes", wa_id)
