"""What the /admin pages need from the composition root: their words, the session's lifetime,
the cookies' Secure flag and the wrong-token throttle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from messages.admin import AdminTexts
from webhooks.admin.throttle import LoginThrottle


@dataclass(frozen=True)
class AdminSite:
    texts: AdminTexts
    throttle: LoginThrottle
    session_ttl: timedelta = timedelta(hours=8)
    secure_cookies: bool = False  # True when PUBLIC_BASE_URL is https
