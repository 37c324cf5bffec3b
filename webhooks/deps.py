"""Dependencies of the routes, as Annotated aliases, and what the web edge needs from the root."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from bot.telegram.runtime import TelegramRuntime
from bot.whatsapp.runtime import WhatsAppRuntime
from domain.campaigns import CampaignTexts, Schedules
from domain.clock import Clock
from domain.jobs import JobRunner
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from messages.documents import Documents
from webhooks.admin.site import AdminSite


@dataclass(frozen=True)
class CampaignTools:
    """What the campaign routes check a campaign with: its templates, its schedule, the languages."""

    texts: CampaignTexts
    schedules: Schedules
    locales: tuple[str, ...]
    default_locale: str


@dataclass(frozen=True)
class WebDeps:
    """The parts the routes use, built by the composition root (app/)."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    rules: ProgramRules
    ping_database: Callable[[], Awaitable[None]]  # raises when the database does not answer
    jobs: JobRunner  # the scheduled jobs, run on demand by /api/v1/jobs
    campaigns: CampaignTools
    timezone: str  # the shop's: a KPI period is made of its days
    admin_api_token: str | None = None  # None: /api/v1 refuses every call
    repair_webhook_secret: str | None = None  # None: /webhooks/repairs refuses every event
    telegram: TelegramRuntime | None = None
    whatsapp: WhatsAppRuntime | None = None
    documents: Documents | None = None  # the consent and the policy served at /privacy
    admin: AdminSite | None = None  # the /admin pages' parts; None: /admin is not served


async def get_deps(request: Request) -> WebDeps:
    # async: a plain `def` dependency runs in the thread pool on every request (measured by
    # benchmarks/webhook_ingestion.py: ~40% of a webhook's CPU went to that round trip).
    deps: WebDeps = request.app.state.deps
    return deps


Deps = Annotated[WebDeps, Depends(get_deps)]


_ACTOR = re.compile(r"[^\w .@+-]")


def api_author(
    x_actor: Annotated[
        str | None,
        Header(
            max_length=60,
            description="Who at the desk made the call; recorded with ledger changes as `api:admin:<actor>`.",
        ),
    ] = None,
) -> str:
    """The author of ledger changes: the token holder, plus the clerk the desk names (X-Actor)."""
    actor = _ACTOR.sub("", _utf8(x_actor or "")).strip()
    return f"api:admin:{actor}" if actor else "api:admin"


def _utf8(header: str) -> str:
    """Starlette decodes header bytes as latin-1; a clerk's name sent as UTF-8 is recovered."""
    try:
        return header.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return header


AdminAuthor = Annotated[str, Depends(api_author)]
