"""The staff desk: where customers' questions go (the staff's Telegram chat), shared by both channels.

A question's card in the staff chat ends with a signed reference, `#q_<customer>_<tg|wa>_<hmac>`.
A staff member answers by replying to the card; the reply is routed by that reference alone, so
no table maps staff messages to customers, and a reply to anything else (or a reference someone
typed by hand) routes nowhere.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Protocol

from domain.customers import Channel
from domain.feedback import StaffFeedbackNote
from domain.questions import StaffQuestion
from domain.quote_answers import StaffQuoteNote

_CODES = {Channel.TELEGRAM: "tg", Channel.WHATSAPP: "wa"}
_CHANNELS = {code: channel for channel, code in _CODES.items()}
_REF = re.compile(r"#q_([0-9]{1,18})_(tg|wa)_([0-9a-f]{16})\b")


class StaffDesk(Protocol):
    async def forward(self, question: StaffQuestion) -> bool:
        """Pass the question to the staff; False when it could not be delivered."""
        ...

    async def note_quote_answer(self, note: StaffQuoteNote) -> bool:
        """Tell the staff a customer answered a quote; False when it could not be delivered."""
        ...

    async def alert_feedback(self, note: StaffFeedbackNote) -> bool:
        """Tell the staff of a low repair score, or the comment that follows it; False when it
        could not be delivered (logged, not retried: the score is kept in repair_feedback)."""
        ...


def _signature(secret: str, customer_id: int, code: str) -> str:
    message = f"staff-question:{customer_id}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:16]


def question_ref(secret: str, customer_id: int, channel: Channel) -> str:
    code = _CODES[channel]
    return f"#q_{customer_id}_{code}_{_signature(secret, customer_id, code)}"


def parse_question_ref(secret: str, text: str | None) -> tuple[int, Channel] | None:
    """(customer id, channel) from a card's text, or None: no reference, or one not signed by us."""
    # the card's own reference is its last: the customer's words above it may look like one
    matches = list(_REF.finditer(text or ""))
    if not matches:
        return None
    match = matches[-1]
    customer_id, code, signature = int(match.group(1)), match.group(2), match.group(3)
    if not hmac.compare_digest(signature, _signature(secret, customer_id, code)):
        return None
    return customer_id, _CHANNELS[code]
