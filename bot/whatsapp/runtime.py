"""The WhatsApp channel's parts, built from its config; nothing connects until the first send."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from twilio.request_validator import RequestValidator

from bot.deps import ChatDeps
from bot.whatsapp.client import BaseUrlHttpClient, make_client
from bot.whatsapp.conversation import Conversation
from bot.whatsapp.sender import MESSAGES_PER_SECOND, WhatsAppSender
from bot.whatsapp.state import MESSAGE_BREAK
from bot.whatsapp.templates import TwilioContentTemplate
from domain.delivery import Delivered, MessageSender, RetryLater

log = logging.getLogger("loyalty")

WEBHOOK_PATH = "/whatsapp/webhook"
STATUS_PATH = "/whatsapp/status"
REPLY_ATTEMPTS = 3
MAX_REPLY_WAIT = 5.0  # seconds; the customer is waiting for this answer
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}


@dataclass(frozen=True)
class WhatsAppConfig:
    account_sid: str
    auth_token: str
    from_number: str  # whatsapp:+E164
    public_base_url: str  # what Twilio reaches us at, and signs
    api_base_url: str | None = None  # a proxy or a test double instead of api.twilio.com
    templates: Mapping[str, TwilioContentTemplate] = field(default_factory=dict)
    rate_per_second: float = MESSAGES_PER_SECOND


class WhatsAppRuntime:
    """ChannelRuntime of WhatsApp, plus what the webhook routes need (validation, conversation)."""

    def __init__(self, config: WhatsAppConfig, deps: ChatDeps) -> None:
        token = config.auth_token
        self.account_sid = config.account_sid
        self.public_base_url = config.public_base_url.rstrip("/")
        self.validator = RequestValidator(token)
        self.http = BaseUrlHttpClient(config.api_base_url)
        self.whatsapp = WhatsAppSender(
            make_client(self.account_sid, token, self.http),
            config.from_number,
            clock=deps.clock,
            templates=config.templates,
            status_callback=self._status_callback(),
            rate_per_second=config.rate_per_second,
        )
        self.sender: MessageSender = self.whatsapp
        # The auth token keys the dialogue HMAC: rotating it only restarts half-done registrations.
        self.conversation = Conversation(deps, key_secret=token, sender_number=config.from_number)

    def _status_callback(self) -> str | None:
        """Twilio cannot call a local address back; there the callbacks are simply not asked for."""
        host = urlsplit(self.public_base_url).hostname or ""
        return None if host in _LOCAL_HOSTS else self.public_base_url + STATUS_PATH

    def is_signed(self, path: str, query: str, form: Mapping[str, str], signature: str | None) -> bool:
        """X-Twilio-Signature over PUBLIC_BASE_URL + path + query: the URL Twilio saw, behind any proxy."""
        if not signature:
            return False
        url = self.public_base_url + path + (f"?{query}" if query else "")
        return bool(self.validator.validate(url, form, signature))

    async def reply(self, wa_id: str, text: str) -> None:
        """Answer right after the webhook returns, each separate message in turn."""
        for part in text.split(MESSAGE_BREAK):
            await self._reply_one(wa_id, part)

    async def _reply_one(self, wa_id: str, text: str) -> None:
        """A short 429 wait is worth it, a long one is not."""
        for _ in range(REPLY_ATTEMPTS):
            result = await self.whatsapp.send_text(wa_id, text)
            if not (isinstance(result, RetryLater) and result.after_seconds <= MAX_REPLY_WAIT):
                break
            await asyncio.sleep(result.after_seconds)
        if not isinstance(result, Delivered):
            log.warning("WhatsApp reply not delivered: %s", result)

    async def start(self) -> None:
        log.info(
            "WhatsApp is on: sender %s, inbound at %s%s",
            self.whatsapp.from_number,
            self.public_base_url,
            WEBHOOK_PATH,
        )

    async def stop(self) -> None:
        await self.http.close()
