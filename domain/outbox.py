"""Messages to send, written in the same transaction as the change they announce."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

# `OutboxMessage.extra` (not stored): a message's own approved WhatsApp template for outside the
# 24-hour window, as its writer (a campaign) made it: {"sid": "HX...", "variables": {"1": "...", ...}}
WHATSAPP_CONTENT = "whatsapp_content"
# `OutboxMessage.extra` (not stored): the answer buttons of a quote, as delivery renders them in the
# customer's language: {"ref": "<quote_ref>", "labels": {"approved": "...", "declined": ..., "call_me": ...}}
ANSWER_BUTTONS = "answer_buttons"
# `OutboxMessage.extra` (not stored): the score buttons of a feedback request, as delivery renders
# them: {"ref": "<feedback id>", "labels": {"1": "1 ...", ..., "5": "5 ..."}}
FEEDBACK_BUTTONS = "feedback_buttons"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class OutboxMessage:
    """`template` is a key in messages/; `context` holds plain values to render it with."""

    customer_id: int
    template: str
    context: dict[str, Any]
    dedupe_key: str
    created_at: datetime
    marketing: bool = False
    # A sensitive context (a one-time code) is wiped as soon as the message is final.
    sensitive: bool = False
    channel: str | None = None
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    error: str | None = None
    provider_message_id: str | None = None
    campaign_run_id: int | None = None  # the campaign run it belongs to, for the run's stats
    id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
