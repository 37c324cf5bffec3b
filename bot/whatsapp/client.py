"""The Twilio REST client on aiohttp, with TWILIO_API_BASE_URL honoured and 429 made explicit.

The official client builds every URL on https://api.twilio.com; `BaseUrlHttpClient` rewrites that
prefix so a proxy or a local test double receives the very requests Twilio would.
"""

from __future__ import annotations

import base64
import time
from email.utils import parsedate_to_datetime
from typing import Any

from aiohttp import ClientSession
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"
DEFAULT_TIMEOUT = 15.0


class RateLimited(Exception):
    """Twilio answered 429; `retry_after` is its Retry-After in seconds, when it sent one."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__(f"429 Too Many Requests (retry after {retry_after})")
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


class BaseUrlHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
    """AsyncTwilioHttpClient whose session is made lazily, inside the running event loop."""

    session: ClientSession | None

    def __init__(self, base_url: str | None = None, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        # pool_connections=False: the parent would open an aiohttp session here, outside any loop.
        super().__init__(pool_connections=False, timeout=timeout)
        self.base_url = base_url.rstrip("/") if base_url else None

    def rewrite(self, url: str) -> str:
        if self.base_url and url.startswith(TWILIO_API):
            return self.base_url + url[len(TWILIO_API) :]
        return url

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (the parent's signature)
        allow_redirects: bool = False,
    ) -> Response:
        if self.session is None:
            self.session = ClientSession()
        if auth is not None:
            # the parent would wrap it in aiohttp.BasicAuth, which aiohttp 3.14 deprecates
            headers = {**(headers or {}), "Authorization": _basic(*auth)}
        response: Response = await super().request(
            method,
            self.rewrite(url),
            params=params,
            data=data,
            headers=headers,
            auth=None,
            # the parent passes None straight to aiohttp, which would mean "wait forever"
            timeout=timeout or self.timeout,
            allow_redirects=allow_redirects,
        )
        if response.status_code == 429:
            raise RateLimited(parse_retry_after((response.headers or {}).get("Retry-After")))
        return response

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None


def _basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


def make_client(account_sid: str, auth_token: str, http_client: BaseUrlHttpClient) -> Any:
    """The official client; `environment={}` so TWILIO_EDGE/REGION cannot move the hostname."""
    return Client(account_sid, auth_token, http_client=http_client, environment={})
