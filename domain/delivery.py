"""The message sender port: one per channel, the same contract for Telegram and WhatsApp."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from domain.customers import Channel, ChannelIdentity
from domain.outbox import OutboxMessage


@dataclass(frozen=True)
class Delivered:
    provider_message_id: str | None = None


@dataclass(frozen=True)
class RetryLater:
    """The platform asked to wait (429 retry_after) or failed for a while (5xx, network)."""

    after_seconds: float
    reason: str
    # False: the sender held it back itself (the channel is paused) and the platform never saw it,
    # so it costs no attempt
    tried: bool = True


@dataclass(frozen=True)
class Unreachable:
    """The customer blocked the bot or the account is gone: stop sending to this identity."""

    reason: str


@dataclass(frozen=True)
class Failed:
    """A failure: `retryable` ones (5xx, network) are tried again with backoff, others are final."""

    reason: str
    retryable: bool = False


@dataclass(frozen=True)
class Skipped:
    """Deliberately not sent (e.g. outside WhatsApp's 24-hour window with no approved template)."""

    reason: str


SendResult = Delivered | RetryLater | Unreachable | Failed | Skipped


class MessageSender(abc.ABC):
    channel: Channel

    @abc.abstractmethod
    async def send(self, identity: ChannelIdentity, message: OutboxMessage, text: str) -> SendResult:
        """Send one rendered message to one identity. Must not raise for platform errors."""
