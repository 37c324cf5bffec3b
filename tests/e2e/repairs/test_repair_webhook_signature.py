"""Only the repair system's own signature gets an event in; every bad header is a 401, never a 500."""

from __future__ import annotations

import base64
import json
import secrets
from datetime import timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from tests.e2e.conftest import running
from tests.e2e.repairs.conftest import SECRET, body_of, event, sign

BODY = body_of(event())


async def _post(desk, body: bytes, headers: dict[str, str]):
    before = await desk.counts()
    response = await desk.client.post("/webhooks/repairs", content=body, headers=headers)
    assert await desk.counts() == before, "a refused event wrote something"
    return response


def _headers(desk, **override: str) -> dict[str, str]:
    headers = sign(BODY, "msg_1", desk.container.clock.now())
    headers.update(override)
    return headers


async def test_a_correctly_signed_event_is_processed(desk):
    response = await desk.client.post("/webhooks/repairs", content=BODY, headers=_headers(desk))
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "processed"}


async def test_one_changed_byte_of_the_body_is_refused(desk):
    tampered = BODY.replace(b"R-1042", b"R-1043")
    response = await _post(desk, tampered, _headers(desk))
    assert response.status_code == 401
    assert "signature" in response.json()["detail"]


async def test_the_same_json_serialised_differently_is_refused(desk):
    reserialised = json.dumps(json.loads(BODY), indent=2).encode()
    response = await _post(desk, reserialised, _headers(desk))
    assert response.status_code == 401


@pytest.mark.parametrize("offset", [-301, 301])
async def test_a_timestamp_more_than_five_minutes_off_is_refused(desk, offset):
    at = desk.container.clock.now() + timedelta(seconds=offset)
    response = await _post(desk, BODY, sign(BODY, "msg_1", at))
    assert response.status_code == 401
    assert "timestamp" in response.json()["detail"]


@pytest.mark.parametrize("offset", [-300, 300])
async def test_a_timestamp_just_inside_the_window_is_accepted(desk, offset):
    at = desk.container.clock.now() + timedelta(seconds=offset)
    response = await desk.client.post("/webhooks/repairs", content=BODY, headers=sign(BODY, "msg_1", at))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("webhook-signature", "v1"),
        ("webhook-signature", ""),
        ("webhook-signature", "v1," + "A" * 10_000),
        ("webhook-signature", "v1,a,b"),
        ("webhook-signature", "v1,abc"),  # not valid base64 padding
        ("webhook-signature", "v1,@@@@"),
        ("webhook-signature", "v2,c2lnbmF0dXJl"),
        ("webhook-signature", "v1,c2lnbmF0dXJl  v1,c2lnbmF0dXJl"),
        ("webhook-timestamp", ""),
        ("webhook-timestamp", "nan"),
        ("webhook-timestamp", "1e10"),
        ("webhook-timestamp", "-5"),
        ("webhook-timestamp", "99999999999999999999"),
        ("webhook-id", ""),
        ("webhook-id", "x" * 500),
        ("webhook-id", "has space"),
    ],
)
async def test_malformed_headers_are_401_not_500(desk, header, value):
    response = await _post(desk, BODY, _headers(desk, **{header: value}))
    assert response.status_code == 401, response.text


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
async def test_a_missing_header_is_refused(desk, header):
    headers = _headers(desk)
    del headers[header]
    response = await _post(desk, BODY, headers)
    assert response.status_code == 401
    assert "missing" in response.json()["detail"]


async def test_non_ascii_signature_header_bytes_are_refused(desk):
    headers = [(k.encode(), v.encode()) for k, v in _headers(desk).items() if k != "webhook-signature"]
    good = _headers(desk)["webhook-signature"]
    headers.append((b"webhook-signature", (good[:-4] + "é€").encode("utf-8")))
    before = await desk.counts()
    response = await desk.client.post("/webhooks/repairs", content=BODY, headers=headers)
    assert response.status_code == 401
    assert await desk.counts() == before


async def test_a_non_utf8_body_is_refused(desk):
    body = BODY + b"\xff\xfe"
    response = await _post(desk, body, _headers(desk))
    assert response.status_code == 401


async def test_a_signature_made_with_another_secret_is_refused(desk):
    other = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    response = await _post(desk, BODY, sign(BODY, "msg_1", desk.container.clock.now(), secret=other))
    assert response.status_code == 401
    assert "No matching signature" in response.json()["detail"]


@pytest.mark.parametrize("valid_first", [True, False])
async def test_during_rotation_one_valid_signature_among_several_is_enough(desk, valid_first):
    now = desk.container.clock.now()
    retired = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    valid = Webhook(SECRET).sign("msg_1", now, BODY.decode())
    stale = Webhook(retired).sign("msg_1", now, BODY.decode())
    both = f"{valid} {stale}" if valid_first else f"{stale} {valid}"
    response = await desk.client.post(
        "/webhooks/repairs", content=BODY, headers=_headers(desk, **{"webhook-signature": both})
    )
    assert response.status_code == 200, response.text


async def test_two_signatures_both_wrong_are_refused(desk):
    now = desk.container.clock.now()
    wrong = [
        Webhook("whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()).sign(
            "msg_1", now, BODY.decode()
        )
        for _ in range(2)
    ]
    response = await _post(desk, BODY, _headers(desk, **{"webhook-signature": " ".join(wrong)}))
    assert response.status_code == 401


async def test_an_oversized_body_is_refused_before_anything_else(desk):
    big = b"{" + b" " * (300 * 1024) + b"}"
    response = await _post(desk, big, _headers(desk))
    assert response.status_code == 413


async def test_without_a_configured_secret_every_event_is_refused(make_container):
    container = await make_container(admin_api_token="t")
    async with running(container) as client:
        response = await client.post(
            "/webhooks/repairs", content=BODY, headers=sign(BODY, "m", container.clock.now())
        )
    assert response.status_code == 401
    assert "REPAIR_WEBHOOK_SECRET is not set" in response.json()["detail"]
