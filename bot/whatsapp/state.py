"""A WhatsApp conversation's parts: its key (without the phone number), the message in, the replies out."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from domain.feedback import StaffFeedbackNote
from domain.questions import StaffQuestion
from domain.quote_answers import StaffQuoteNote


def dialogue_key(secret: str, wa_id: str) -> str:
    """HMAC-SHA256 of the WaId: a stable key that does not reveal the number (64 hex characters)."""
    return hmac.new(secret.encode(), wa_id.encode(), hashlib.sha256).hexdigest()


# Between two replies that go out as separate WhatsApp messages (an ASCII record separator, in no template).
MESSAGE_BREAK = "\x1e"


@dataclass(frozen=True)
class Inbound:
    """One message from Twilio's webhook, as far as the conversation needs it."""

    wa_id: str
    body: str
    profile_name: str | None = None
    num_media: int = 0
    message_sid: str | None = None


@dataclass(frozen=True)
class Say:
    """A template to render in the conversation's language."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    alone: bool = False  # sent as a message of its own (the consent: a document, not part of an advert)


@dataclass(frozen=True)
class Show:
    """A shared screen (bot/screens.py) of the customer."""

    screen: str


Reply = Say | Show


@dataclass
class Outcome:
    replies: list[Reply]
    locale: str
    customer_id: int | None = None
    question: StaffQuestion | None = None  # to pass on to the staff once the turn has committed
    quote_note: StaffQuoteNote | None = None  # an answer to a quote, for the staff chat, likewise
    feedback_note: StaffFeedbackNote | None = None  # a low score (or its comment), likewise
