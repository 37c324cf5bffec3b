"""Post-repair feedback: one rating (1-5) per completed repair, asked once, answered once.

A request is asked by the daily `feedback_requests` job for the repairs completed `delay_days`
before, at `ask_at` shop time (never in the quiet hours), and stays open `open_days`. The first
score given while it is open is kept; a second score, a late one, or one for a request that is not
the answering customer's own changes nothing and gets a polite reply. After the score the bot asks
for an optional comment: the customer's next text within `comment_minutes` is kept as it (once),
unless it is a command, which keeps its meaning.

A feedback request is about the customer's own repair: a service message, not advertising, so it
needs no marketing consent (like the repair status messages); it goes to members only.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from domain.customers import Channel

SCORES = range(1, 6)
COMMENT_LIMIT = 1000  # characters; a longer comment is refused, politely, and may be sent shorter
FEEDBACK_TEMPLATE = "feedback_request"


@dataclass(frozen=True)
class FeedbackRules:
    """The rules file's `[feedback]` section."""

    delay_days: int = 1  # asked this many days after the repair was completed (shop dates)
    ask_at: time = time(11, 0)  # at this shop time; the rules file refuses one in the quiet hours
    alert_at_or_below: int = 3  # a score this low alerts the staff chat
    open_days: int = 7  # a request can be answered this long after it was asked
    comment_minutes: int = 60  # after the score, a text this soon is the comment


@dataclass
class FeedbackRequest:
    order_id: str
    customer_id: int | None  # None once the customer deleted their account (the score stays)
    asked_at: datetime
    expires_at: datetime
    score: int | None = None
    answered_at: datetime | None = None
    channel: Channel | None = None  # where the score came from
    comment: str | None = None
    # when the comment step ended: a comment kept, skipped, or (None) still open if within time
    comment_closed_at: datetime | None = None
    id: int | None = None

    def is_open(self, now: datetime) -> bool:
        return self.score is None and now < self.expires_at

    def awaits_comment(self, now: datetime, rules: FeedbackRules) -> bool:
        return (
            self.score is not None
            and self.answered_at is not None
            and self.comment_closed_at is None
            and now - self.answered_at <= timedelta(minutes=rules.comment_minutes)
        )


class FeedbackOutcome(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"  # this repair has its score
    EXPIRED = "expired"  # asked too long ago
    UNKNOWN = "unknown"  # not the customer's own request, no such request, or not a score 1-5


class CommentOutcome(StrEnum):
    RECORDED = "recorded"
    SKIPPED = "skipped"
    TOO_LONG = "too_long"
    NOT_WAITING = "not_waiting"  # no score to comment on, a comment kept already, or too late


@dataclass(frozen=True)
class StaffFeedbackNote:
    """What the staff chat is told of a low score, or of the comment that follows it (the edge masks
    the phone)."""

    order_id: str
    device_category: str
    device: str
    score: int
    comment: str | None
    channel: Channel
    phone: str | None
    follow_up: bool = False  # the comment that came after the alert


@dataclass(frozen=True)
class DueRepair:
    repair_id: int
    order_id: str
    customer_id: int


class FeedbackRepository(abc.ABC):
    @abc.abstractmethod
    async def ask(self, request: FeedbackRequest) -> bool:
        """Insert-or-ignore on the order: True only for the call that made the request (sets `id`)."""

    @abc.abstractmethod
    async def get(self, feedback_id: int) -> FeedbackRequest | None: ...

    @abc.abstractmethod
    async def of_order(self, order_id: str) -> FeedbackRequest | None: ...

    @abc.abstractmethod
    async def latest_of_customer(self, customer_id: int) -> FeedbackRequest | None:
        """The customer's most recently asked request, answered or not."""

    @abc.abstractmethod
    async def of_customer(self, customer_id: int) -> list[FeedbackRequest]:
        """Oldest first (the export)."""

    @abc.abstractmethod
    async def answer(self, feedback_id: int, score: int, channel: Channel, at: datetime) -> bool:
        """Set the score of a request that has none: False when another answer got there first."""

    @abc.abstractmethod
    async def close_comment(self, feedback_id: int, comment: str | None, at: datetime) -> bool:
        """End the comment step (with the comment, or None for skipped): False when it had ended."""

    @abc.abstractmethod
    async def due(
        self, completed_from: datetime, completed_to: datetime, *, after_id: int, limit: int
    ) -> list[DueRepair]:
        """Repairs completed in [from, to) of live members with no request yet, by repair id."""

    @abc.abstractmethod
    async def forget_customer(self, customer_id: int) -> None:
        """Erase the comments of a deleted customer and unlink their requests; the scores stay."""
