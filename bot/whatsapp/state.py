"""Where a WhatsApp conversation keeps its state: the database, keyed without the phone number."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from domain.ports import UnitOfWork
from store.repositories.whatsapp import SqlDialogueRepository, SqlMessageStatusRepository
from store.uow import SqlUnitOfWork


def dialogue_key(secret: str, wa_id: str) -> str:
    """HMAC-SHA256 of the WaId: a stable key that does not reveal the number (64 hex characters)."""
    return hmac.new(secret.encode(), wa_id.encode(), hashlib.sha256).hexdigest()


def dialogues(uow: UnitOfWork) -> SqlDialogueRepository:
    """The dialogue rows in the unit of work's own transaction (so they commit with the change)."""
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError("WhatsApp dialogue state needs the SQL unit of work")
    return SqlDialogueRepository(uow.session)


def message_statuses(uow: UnitOfWork) -> SqlMessageStatusRepository:
    if not isinstance(uow, SqlUnitOfWork):
        raise TypeError("WhatsApp message statuses need the SQL unit of work")
    return SqlMessageStatusRepository(uow.session)


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
