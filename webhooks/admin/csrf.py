"""CSRF: a signed double-submit token (itsdangerous), checked on every unsafe request under /admin.

Each browser gets a random seed in an HttpOnly, SameSite=Strict cookie; every form carries
`csrf_token`, the seed and the session id signed with ADMIN_API_TOKEN. A post whose token is
missing, forged, expired, or made for another seed or session is refused with 403 before the
route runs, so nothing changes.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

CSRF_COOKIE = "loyalty_admin_csrf"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def new_seed() -> str:
    return secrets.token_urlsafe(24)


def _serializer(token: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(token, salt="loyalty-admin-csrf")


def form_token(token: str, seed: str, sid: str | None) -> str:
    return _serializer(token).dumps([seed, sid or ""])


def token_holds(token: str, sent: str | None, seed: str | None, sid: str | None, ttl: timedelta) -> bool:
    """Whether the form's `sent` token was made for this browser's seed and this session."""
    if not sent or not seed:
        return False
    try:
        data = _serializer(token).loads(sent, max_age=int(ttl.total_seconds()))
    except BadSignature:
        return False
    if not (isinstance(data, list) and len(data) == 2 and all(isinstance(x, str) for x in data)):
        return False
    return hmac.compare_digest(data[0], seed) and hmac.compare_digest(data[1], sid or "")
