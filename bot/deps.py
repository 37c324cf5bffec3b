"""What the chat edges need from the composition root, and nothing more."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.staff import StaffDesk
from domain.clock import Clock
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from messages import Renderer


@dataclass(frozen=True)
class PrivacyPolicy:
    """The personal-data policy a consent refers to: its address and the version recorded."""

    url: str
    version: str
    consent_url: str = ""  # the consent document itself, served by this app at /privacy/consent
    hashes: Mapping[str, str] = field(default_factory=dict)  # sha256 of its text, per language

    def hash_for(self, locale: str) -> str | None:
        """The checksum of the consent text shown in `locale`, recorded with the consent."""
        return self.hashes.get(locale)


@dataclass(frozen=True)
class ChatDeps:
    uow: Callable[[], UnitOfWork]
    clock: Clock
    rules: ProgramRules
    renderer: Renderer
    policy: PrivacyPolicy
    timezone: str  # the shop's: what "today" means for a birthday typed there
    default_locale: str
    staff_chat_id: int | None = None  # STAFF_TELEGRAM_CHAT_ID: questions go there, replies come from it
    staff_secret: str = ""  # signs the reference on a question's card (bot/staff.py)
    staff: StaffDesk | None = None  # how a WhatsApp customer's question reaches that chat
