"""The WhatsApp MessageSender: free-form text inside the 24-hour window, approved templates outside it.

Replies to inbound messages go through `send_text` too (REST, not TwiML), so they share the
sender's rate limit and error handling with the outbox deliveries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

import aiohttp
from aiolimiter import AsyncLimiter
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException

from bot.whatsapp.client import RateLimited
from bot.whatsapp.split import split_text
from bot.whatsapp.templates import TwilioContentTemplate
from domain.clock import Clock
from domain.customers import Channel, ChannelIdentity
from domain.delivery import Delivered, Failed, MessageSender, RetryLater, SendResult, Skipped, Unreachable
from domain.outbox import WHATSAPP_CONTENT, OutboxMessage

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
MESSAGES_PER_SECOND = 80  # Twilio's default throughput for one WhatsApp sender
DEFAULT_RETRY_AFTER = 1.0
OUTSIDE_WINDOW = 63016
# the skip reason's code, counted per reason in a campaign's stats
OUTSIDE_24H = "outside_24h_window"
# The recipient cannot be reached at all: unsubscribed/blocked, not on WhatsApp, not a valid number.
UNREACHABLE_CODES = frozenset({21211, 21610, 21614, 63003, 63024})


def is_unreachable(error_code: int | None) -> bool:
    """Twilio's word that the number cannot be reached at all (not merely this once)."""
    return error_code in UNREACHABLE_CODES


def in_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


def address(wa_id: str) -> str:
    return f"whatsapp:+{wa_id.lstrip('+')}"


def map_error(status: int | None, code: int | None) -> SendResult:
    """Twilio's HTTP status and error code -> what the outbox should do next.

    Only the code is kept (twilio.com/docs/errors/<code> explains it): Twilio's own text often
    quotes the customer's number, and the reason lands in the outbox and the logs.
    """
    reason = f"twilio {code or status}"
    if status == 429 or code == 20429:
        return RetryLater(DEFAULT_RETRY_AFTER, reason)
    if code == OUTSIDE_WINDOW:
        return Skipped(f"{OUTSIDE_24H}: {reason}")
    if code in UNREACHABLE_CODES:
        return Unreachable(reason)
    if status is not None and status >= 500:
        return Failed(reason, retryable=True)
    return Failed(reason)


def _plain(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else str(value)


class WhatsAppSender(MessageSender):
    channel = Channel.WHATSAPP

    def __init__(
        self,
        client: Any,
        from_: str,
        *,
        clock: Clock,
        templates: Mapping[str, TwilioContentTemplate],
        status_callback: str | None = None,
        limiter: AsyncLimiter | None = None,
        rate_per_second: float = MESSAGES_PER_SECOND,
    ) -> None:
        self._client = client
        self.from_number = from_
        self._clock = clock
        self._templates = templates
        self._status_callback = status_callback
        # 80/s as a bucket of 8 per 0.1 s: bursts stay small, so no second ever sees much more than 80
        self._limiter = limiter or AsyncLimiter(max(1.0, rate_per_second / 10), 0.1)

    async def send(self, identity: ChannelIdentity, message: OutboxMessage, text: str) -> SendResult:
        """An outbox message: business-initiated, so outside the window only as an approved template."""
        if in_window(identity.last_inbound_at, self._clock.now()):
            return await self.send_text(identity.external_id, text)
        content = message.extra.get(WHATSAPP_CONTENT)
        if content is not None:  # a campaign's own template, its variables rendered already
            return await self._create(
                identity.external_id,
                content_sid=str(content["sid"]),
                content_variables=json.dumps(content["variables"], ensure_ascii=False),
            )
        template = self._templates.get(message.template)
        if template is None:
            return Skipped(f"{OUTSIDE_24H}: no approved template for {message.template!r}")
        try:
            variables = {str(n): _plain(message.context[key]) for n, key in enumerate(template.variables, 1)}
        except KeyError as exc:
            return Failed(f"template {message.template!r} needs context key {exc.args[0]!r}")
        return await self._create(
            identity.external_id,
            content_sid=template.sid,
            content_variables=json.dumps(variables, ensure_ascii=False),
        )

    async def send_text(self, wa_id: str, text: str) -> SendResult:
        """Free-form text in as many parts as the 1 600-character limit needs; the first part's SID."""
        parts = split_text(text)
        if not parts:
            return Skipped("empty message")
        first: str | None = None
        for number, part in enumerate(parts):
            result = await self._create(wa_id, body=part)
            if not isinstance(result, Delivered):
                if number == 0:
                    return result
                # the first parts are out already: retrying would send them twice
                log.warning("part %s of %s to a WhatsApp customer failed: %s", number + 1, len(parts), result)
                break
            first = first or result.provider_message_id
        return Delivered(first)

    async def _create(self, wa_id: str, **content: str) -> SendResult:
        extra = {"status_callback": self._status_callback} if self._status_callback else {}
        async with self._limiter:
            try:
                message = await self._client.messages.create_async(
                    to=address(wa_id), from_=self.from_number, **content, **extra
                )
            except RateLimited as exc:
                after = DEFAULT_RETRY_AFTER if exc.retry_after is None else exc.retry_after
                return RetryLater(after, "twilio 429: too many requests")
            except TwilioRestException as exc:
                return map_error(exc.status, exc.code)
            except TwilioServiceException as exc:
                return map_error(exc.status, exc.code)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                return Failed(f"network: {type(exc).__name__}", retryable=True)
            except (TwilioException, ValueError) as exc:
                # an answer we cannot read: the message may be out, so never retried (no duplicates)
                return Failed(f"twilio: unreadable answer ({type(exc).__name__})")
        return Delivered(message.sid)
