"""Campaigns: a marketer's message to a segment, once or on a schedule, as plain data and ports.

A campaign has runs: a one-off campaign one, a recurring one a run per occurrence of its schedule.
Each run takes its own snapshot of the segment when it starts (`campaign_recipients`), keeps a
deterministic share of it back as a control group (the holdout, who get nothing), and queues one
outbox row per other recipient under the dedupe key `campaign:<run>:<customer>`, so nothing is
ever queued twice for one recipient and run. The text is rendered at delivery, for the customer
as they are then (a message held overnight by the quiet hours shows the balance of the morning),
which also keeps personal data out of the outbox rows.
"""

from __future__ import annotations

import abc
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from domain.errors import DomainError, NotFound
from domain.outbox import OutboxMessage

# the outbox template name of every campaign message: the text comes from the campaign itself
CAMPAIGN_TEMPLATE = "campaign"
MAX_HOLDOUT_PERCENT = 50
MAX_NAME = 200
MAX_TEXT = 4000
# how late a `send_at` may be and still count as "now" (a clock a little behind the server's)
SEND_AT_SLACK_SECONDS = 60
CANCELLED = "cancelled"


class CampaignStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class CampaignRunStatus(StrEnum):
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class InvalidCampaign(DomainError):
    """A campaign that cannot work; `field` names the offending part of the request."""

    code = "invalid_campaign"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class CampaignNotFound(NotFound):
    code = "campaign_not_found"


class CampaignFinished(DomainError):
    """Cancel or test a campaign that is done or cancelled already."""

    code = "campaign_finished"


class TestRecipientRefused(DomainError):
    """A test send to someone who could not receive the campaign itself."""

    code = "test_recipient_refused"


@dataclass(frozen=True)
class WhatsAppTemplate:
    """An approved WhatsApp template (Content SID) for outside the 24-hour window; each variable is
    itself a template over the customer variables, for {{1}}, {{2}}, ..."""

    sid: str
    variables: tuple[str, ...] = ()


@dataclass
class Campaign:
    name: str
    filter: dict[str, Any]  # as the marketer gave it; parsed again (domain/segments.py) per run
    messages: dict[str, str]  # locale -> template text
    created_at: datetime
    send_at: datetime | None = None
    cron: str | None = None
    bonus_points: int = 0
    holdout_percent: int = 0
    whatsapp_template: WhatsAppTemplate | None = None
    status: CampaignStatus = CampaignStatus.SCHEDULED
    next_run_at: datetime | None = None
    cancelled_at: datetime | None = None
    author: str | None = None
    # the creating form's (or call's) key: the same key again is the same campaign, never a second one
    client_key: str | None = None
    id: int | None = None

    @property
    def recurring(self) -> bool:
        return self.cron is not None

    @property
    def finished(self) -> bool:
        return self.status in (CampaignStatus.DONE, CampaignStatus.CANCELLED)

    def text_for(self, locale: str, default_locale: str) -> str:
        """The customer's language, else the shop's default, else whichever the campaign has."""
        return (
            self.messages.get(locale)
            or self.messages.get(default_locale)
            or next(iter(self.messages.values()))
        )


@dataclass
class CampaignRun:
    campaign_id: int
    scheduled_for: datetime
    started_at: datetime
    status: CampaignRunStatus = CampaignRunStatus.SENDING
    # the snapshot is taken in pages of customer ids, from the first to `last_customer_id` (the
    # highest when the run started: who joins later is not in it); `cursor` is where it stands
    cursor: int = 0
    last_customer_id: int = 0
    snapshot_done: bool = False
    recipients: int = 0
    holdout: int = 0
    finished_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class Recipient:
    customer_id: int
    holdout: bool


@dataclass(frozen=True)
class CampaignStats:
    """`recipients` excludes the holdout; recipients = sent + failed + skipped + pending."""

    recipients: int = 0
    holdout: int = 0
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)
    runs: int = 0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def in_holdout(campaign_id: int, customer_id: int, percent: int) -> bool:
    """The control group: a stable pseudo-random draw per (campaign, customer), so the same member
    is held back in every run of a recurring campaign and the draw does not depend on the order or
    size of the snapshot. blake2b is uniform enough that `percent` of a segment lands in it."""
    if percent <= 0:
        return False
    digest = hashlib.blake2b(f"{campaign_id}:{customer_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 10_000 < percent * 100


def message_key_prefix(run_id: int) -> str:
    return f"campaign:{run_id}:"


def message_key(run_id: int, customer_id: int) -> str:
    """The outbox dedupe key, and the ledger source key of the run's bonus: once per recipient."""
    return f"{message_key_prefix(run_id)}{customer_id}"


class Recurrence(abc.ABC):
    @abc.abstractmethod
    def next_after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after `moment` (aware), or None if there is none."""


class Schedules(abc.ABC):
    """Turns a campaign's `cron` into occurrences (an adapter: APScheduler's CronTrigger)."""

    @abc.abstractmethod
    def parse(self, expression: str) -> Recurrence:
        """Raises InvalidCampaign("cron", ...) for an expression that cannot work."""


class CampaignTexts(abc.ABC):
    """Checks and renders the campaign templates (an adapter: a Jinja2 sandbox)."""

    @abc.abstractmethod
    def check(self, field: str, text: str) -> None:
        """Raises InvalidCampaign(field, ...) for a template that does not render or names an
        unknown variable."""

    @abc.abstractmethod
    def render(self, text: str, variables: Mapping[str, Any], *, locale: str, channel: str) -> str:
        """The text for one customer on one channel (escaped as that channel needs)."""


class CampaignRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, campaign: Campaign) -> Campaign: ...

    @abc.abstractmethod
    async def get(self, campaign_id: int, *, lock: bool = False) -> Campaign | None:
        """`lock`: hold the row until the unit of work ends (serialises cancel and the snapshot)."""

    @abc.abstractmethod
    async def update(self, campaign: Campaign) -> None:
        """Status, next run and cancellation."""

    @abc.abstractmethod
    async def page(self, *, before_id: int | None, limit: int) -> list[Campaign]:
        """Newest first."""

    @abc.abstractmethod
    async def due(self, now: datetime, limit: int) -> list[int]:
        """Ids of live campaigns whose next run is due."""

    @abc.abstractmethod
    async def add_run(self, run: CampaignRun) -> CampaignRun | None:
        """Insert the run; None when that campaign's run for `scheduled_for` exists already."""

    @abc.abstractmethod
    async def get_run(self, run_id: int, *, lock: bool = False) -> CampaignRun | None: ...

    @abc.abstractmethod
    async def update_run(self, run: CampaignRun) -> None: ...

    @abc.abstractmethod
    async def open_runs(self, limit: int) -> list[CampaignRun]:
        """Runs still sending, oldest first."""

    @abc.abstractmethod
    async def runs_of(self, campaign_id: int) -> list[CampaignRun]: ...

    @abc.abstractmethod
    async def add_recipients(self, run_id: int, recipients: list[Recipient], message: OutboxMessage) -> None:
        """Record a page of the snapshot and queue, for each recipient not in the holdout, a copy
        of `message` for them, its dedupe key `message_key(run, customer)` (`message.dedupe_key`
        is the prefix), in bulk; rows there already stay as they are."""

    @abc.abstractmethod
    async def pending_messages(self, run_id: int) -> int:
        """The run's outbox rows not yet final."""

    @abc.abstractmethod
    async def skip_pending(self, campaign_id: int, reason: str) -> int:
        """Mark the campaign's pending outbox rows skipped; how many."""

    @abc.abstractmethod
    async def stats(self, campaign_id: int) -> CampaignStats: ...
