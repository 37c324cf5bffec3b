"""Who may call: the desk/admin bearer token, and the repair system's Standard Webhooks signature."""

from __future__ import annotations

import binascii
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from domain.clock import Clock
from webhooks.deps import Deps
from webhooks.guard import bearer_refusal

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <ADMIN_API_TOKEN>`")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


async def require_admin(
    deps: Deps,
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """The one API token (webhooks/guard.py checks it first, before any body is read; this
    dependency documents the scheme in OpenAPI and holds for a route mounted elsewhere)."""
    refusal = bearer_refusal(deps.admin_api_token, request.headers.get("authorization"))
    if refusal is not None:
        raise _unauthorized(refusal)


# --- Standard Webhooks signatures of the repair system ---------------------------------------

TOLERANCE = timedelta(minutes=5)
MAX_SIGNATURE_HEADER = 2048  # dozens of signatures; anything longer is not a rotation, it is noise
_WEBHOOK_ID = re.compile(r"[\x21-\x7e]{1,180}")
_TIMESTAMP = re.compile(r"\d{1,12}")
_SIGNATURE = re.compile(r"v[0-9a-z]{1,8},[A-Za-z0-9+/]+={0,2}")


class SignatureError(Exception):
    """The request is not provably from the repair system: answered 401."""


class _ClockedWebhook(Webhook):
    """The library's verification, with the product's clock for the ±5-minute window.

    standardwebhooks reads the system time in its private `__verify_timestamp`; the product
    runs on its own Clock (tests move it), so that one method is replaced.
    """

    def __init__(self, secret: str, clock: Clock) -> None:
        super().__init__(secret)
        self._clock = clock

    def _Webhook__verify_timestamp(self, timestamp_header: str) -> datetime:
        now = self._clock.now()
        try:
            timestamp = datetime.fromtimestamp(float(timestamp_header), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise WebhookVerificationError("Invalid Signature Headers") from None
        if timestamp < now - TOLERANCE:
            raise WebhookVerificationError("Message timestamp too old")
        if timestamp > now + TOLERANCE:
            raise WebhookVerificationError("Message timestamp too new")
        return timestamp


def verify_repair_signature(secret: str, clock: Clock, body: bytes, headers: Mapping[str, str]) -> str:
    """Check the signature headers over the raw body; return the `webhook-id`, or raise SignatureError.

    The headers are checked against the specification's grammar first, so that no malformed,
    oversized or non-ASCII value reaches the library (which would fail on it with a 500).
    """
    msg_id = headers.get("webhook-id") or ""
    timestamp = headers.get("webhook-timestamp") or ""
    signature = headers.get("webhook-signature") or ""
    if not (msg_id and timestamp and signature):
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature header")
    if not _WEBHOOK_ID.fullmatch(msg_id):
        raise SignatureError("malformed webhook-id header")
    if not _TIMESTAMP.fullmatch(timestamp):
        raise SignatureError("malformed webhook-timestamp header: Unix seconds expected")
    if len(signature) > MAX_SIGNATURE_HEADER or not all(
        _SIGNATURE.fullmatch(part) for part in signature.split(" ")
    ):
        raise SignatureError("malformed webhook-signature header: 'v1,<base64>' (space-separated) expected")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureError("the body is not UTF-8 and cannot carry a valid signature") from None
    try:
        _ClockedWebhook(secret, clock).verify(
            text,
            {"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature},
            json_parse=False,
        )
    except WebhookVerificationError as exc:
        raise SignatureError(f"signature refused: {exc}") from None
    except (ValueError, binascii.Error):
        raise SignatureError("malformed webhook-signature header") from None
    return msg_id
