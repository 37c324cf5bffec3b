"""How the campaign pages show a campaign: its moments in the shop's time zone, and which editor
field a domain refusal belongs to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from messages.admin import AdminWords
from webhooks.deps import WebDeps

STATUS_TONE = {"scheduled": "", "sending": "ok", "done": "off", "cancelled": "bad"}


def schedule_of(deps: WebDeps, w: AdminWords) -> Callable[[datetime | None], str]:
    """A moment as the shop reads it: «10 декабря 2026, 10:00» in the shop's time zone."""
    zone = ZoneInfo(deps.timezone)

    def at(moment: datetime | None) -> str:
        if moment is None:
            return "—"
        local = moment.astimezone(zone)
        return f"{w.day(local.date())}, {local:%H:%M}"

    return at


def refused_field(field: str) -> str:
    """The editor's field for an InvalidCampaign's `field` ("filter.tiers", "message.ru", ...)."""
    head, _, rest = field.partition(".")
    if head == "filter":
        return rest or "tiers"
    if head == "message":
        return f"message_{rest}" if rest else "message_ru"
    if head == "whatsapp_template":
        return "wa_variables"
    return {"send_at": "send_date"}.get(head, head)
