"""The admin session: a cookie signed with itsdangerous over ADMIN_API_TOKEN, with its own expiry.

The cookie holds the session id, the name typed at login and the start time, signed and timed:
it is refused once older than the session's lifetime, and every session ends when the token
changes (the token is the signing key). Nothing is stored on the server, so any replica can read
it; the flip side is that logout clears this browser's cookie but cannot revoke a copied one
before it expires.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "loyalty_admin_session"
COOKIE_PATH = "/admin"
_NAME = re.compile(r"[^\w .@+-]")
MAX_NAME = 40


@dataclass(frozen=True)
class AdminSession:
    sid: str
    name: str

    @property
    def author(self) -> str:
        """Who made a ledger change: `admin:<name>:<session>` (or `admin:<session>` without a name),
        so two people who typed the same name are still told apart."""
        short = self.sid[:8]
        return f"admin:{self.name}:{short}" if self.name else f"admin:{short}"


def clean_name(typed: str) -> str:
    """A name as it may appear in an author field: letters, digits, spaces and `.@+-_` only."""
    return _NAME.sub("", typed).strip()[:MAX_NAME]


def _serializer(token: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(token, salt="loyalty-admin-session")


def open_session(token: str, name: str) -> tuple[AdminSession, str]:
    """A new session and its cookie value."""
    session = AdminSession(sid=secrets.token_urlsafe(18), name=clean_name(name))
    return session, _serializer(token).dumps({"sid": session.sid, "name": session.name})


def read_session(token: str, cookie: str | None, ttl: timedelta) -> AdminSession | None:
    """The session a cookie carries, or None when it is missing, forged, or older than `ttl`."""
    if not cookie:
        return None
    try:
        data = _serializer(token).loads(cookie, max_age=int(ttl.total_seconds()))
    except BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        return None
    name = data.get("name")
    return AdminSession(sid=data["sid"], name=name if isinstance(name, str) else "")
