"""What a send's result (or a policy decision) does to the outbox row: sent, retried, held or final."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.customers import Channel
from domain.delivery import Delivered, Failed, RetryLater, SendResult, Skipped, Unreachable
from domain.outbox import OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 6
BASE_BACKOFF = timedelta(seconds=30)


@dataclass
class DeliveryStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    held: int = 0  # quiet hours, or a channel paused by its platform: due later, no attempt counted
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped + self.held


def apply_result(
    message: OutboxMessage, result: SendResult, channel: Channel | None, now: datetime, stats: DeliveryStats
) -> None:
    """One attempt's result on the row; a sensitive context is wiped once the row is final."""
    message.attempts += 1
    message.channel = channel.value if channel else message.channel
    match result:
        case Delivered(provider_message_id=pid):
            message.status, message.sent_at, message.provider_message_id = OutboxStatus.SENT, now, pid
            message.error, message.next_attempt_at = None, None
            stats.sent += 1
        case RetryLater(after_seconds=after, reason=reason) if message.attempts < MAX_ATTEMPTS:
            message.next_attempt_at = now + timedelta(seconds=after)
            message.error = reason
            stats.retried += 1
        case Failed(reason=reason, retryable=True) if message.attempts < MAX_ATTEMPTS:
            message.next_attempt_at = now + BASE_BACKOFF * 2 ** (message.attempts - 1)
            message.error = reason
            stats.retried += 1
        case Skipped(reason=reason):
            message.status, message.error = OutboxStatus.SKIPPED, reason
            stats.skipped += 1
        case Unreachable(reason=reason) | Failed(reason=reason) | RetryLater(reason=reason):
            message.status, message.error = OutboxStatus.FAILED, reason
            stats.failed += 1
    if message.status != OutboxStatus.PENDING:
        message.next_attempt_at = None
        if message.sensitive:
            message.context = {}


def hold(message: OutboxMessage, until: datetime, stats: DeliveryStats) -> None:
    """Not sent and not tried: due again at `until`."""
    message.next_attempt_at = until
    stats.held += 1


class ChannelPauses:
    """A platform's 429 `retry_after` applies to the whole channel (the bot token, the Twilio
    sender): until it passes, the loop does not call that channel at all and holds its rows,
    while the other channels keep going."""

    def __init__(self) -> None:
        self._until: dict[Channel, datetime] = {}

    def pause(self, channel: Channel, until: datetime) -> None:
        self._until[channel] = max(until, self._until.get(channel, until))

    def paused_until(self, channel: Channel, now: datetime) -> datetime | None:
        until = self._until.get(channel)
        return until if until is not None and until > now else None
