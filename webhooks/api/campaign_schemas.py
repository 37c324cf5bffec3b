"""Request and response models of the campaign API, with the examples OpenAPI shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.campaigns import MAX_HOLDOUT_PERCENT, MAX_NAME, Campaign, CampaignStats
from webhooks.api.segment_schemas import FILTER_DOC
from webhooks.fields import EventTime, Text

_MESSAGE_DOC = (
    "A Jinja2 template per language (`ru`, `en`; a customer whose language is missing gets the "
    "shop's default). Variables: `name`, `points`, `tier`, `next_tier`, `points_to_next_tier` (money "
    'left to the next tier, whole units), `bonus_points`; helpers `pts(n)` ("5 баллов") and `n(x)`. '
    "Plain text. An unknown variable or a template that does not render is refused with the reason."
)


class WhatsAppTemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sid: str = Field(pattern=r"^HX[0-9a-fA-F]{32}$", description="The approved template's Content SID.")
    variables: list[Text] = Field(
        default_factory=list,
        max_length=10,
        description="Templates (as in `message`) for {{1}}, {{2}}, ... of the approved template.",
    )


class CampaignIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Back to school",
                    "filter": {"device_categories": ["laptop"], "no_visit_for_days": 180},
                    "message": {
                        "ru": "{{ name }}, почистим ноутбук к учёбе? У вас {{ pts(points) }}.",
                        "en": "{{ name }}, a laptop clean-up before school? You have {{ pts(points) }}.",
                    },
                    "send_at": "2026-12-10T10:00:00+03:00",
                    "bonus_points": 100,
                    "holdout_percent": 10,
                },
                {
                    "name": "Monday tips",
                    "filter": {"tiers": ["gold", "platinum"]},
                    "message": {"ru": "Новая неделя, {{ name }}!"},
                    "cron": "0 10 * * MON",
                    "whatsapp_template": {"sid": "HX" + "0" * 32, "variables": ["{{ name or 'клиент' }}"]},
                },
            ]
        },
    )

    name: Text = Field(min_length=1, max_length=MAX_NAME)
    filter: dict[str, Any] = Field(default_factory=dict, description=FILTER_DOC)
    message: dict[str, Text] = Field(description=_MESSAGE_DOC)
    send_at: EventTime | None = Field(
        None, description="One-off: when to start (null: now). Not more than a minute in the past."
    )
    cron: str | None = Field(
        None,
        max_length=120,
        pattern=r"^[A-Za-z0-9*/,\- ]+$",
        description="Recurring: a crontab line in the shop's time zone, weekdays as names "
        "(`0 10 * * MON`); at most once an hour. Each occurrence is a run with its own snapshot.",
    )
    bonus_points: int = Field(0, strict=True, ge=0, description="Credited once per recipient and run.")
    holdout_percent: int = Field(
        0,
        strict=True,
        ge=0,
        le=MAX_HOLDOUT_PERCENT,
        description="A deterministic share of the segment kept back as a control group.",
    )
    whatsapp_template: WhatsAppTemplateIn | None = Field(
        None, description="What goes out of WhatsApp's 24-hour window; without it those are skipped."
    )


class CampaignStatsOut(BaseModel):
    recipients: int = Field(description="Members the runs queued a message for (the holdout not counted).")
    sent: int
    delivered: int = Field(
        description="Confirmed delivered or read by the platform (Twilio status callbacks)."
    )
    failed: int
    skipped: int
    skipped_by_reason: dict[str, int] = Field(
        description="`marketing_opt_out`, `frequency_cap`, `outside_24h_window`, `cancelled`, ..."
    )
    pending: int = Field(description="Queued and not yet final (held by quiet hours, say).")
    holdout: int = Field(description="Members kept back as the control group: sent nothing.")
    runs: int

    @classmethod
    def of(cls, stats: CampaignStats) -> CampaignStatsOut:
        return cls(
            recipients=stats.recipients,
            sent=stats.sent,
            delivered=stats.delivered,
            failed=stats.failed,
            skipped=stats.skipped_total,
            skipped_by_reason=dict(stats.skipped),
            pending=stats.pending,
            holdout=stats.holdout,
            runs=stats.runs,
        )


class CampaignOut(BaseModel):
    id: int
    name: str
    status: Literal["scheduled", "sending", "done", "cancelled"]
    filter: dict[str, Any]
    message: dict[str, str]
    send_at: datetime | None
    cron: str | None
    next_run_at: datetime | None = Field(description="When the next run starts; null once none will.")
    bonus_points: int
    holdout_percent: int
    whatsapp_template: dict[str, Any] | None
    created_at: datetime
    cancelled_at: datetime | None
    author: str | None
    stats: CampaignStatsOut

    @classmethod
    def of(cls, campaign: Campaign, stats: CampaignStats) -> CampaignOut:
        assert campaign.id is not None
        template = campaign.whatsapp_template
        return cls(
            id=campaign.id,
            name=campaign.name,
            status=campaign.status.value,
            filter=campaign.filter,
            message=campaign.messages,
            send_at=campaign.send_at,
            cron=campaign.cron,
            next_run_at=campaign.next_run_at,
            bonus_points=campaign.bonus_points,
            holdout_percent=campaign.holdout_percent,
            whatsapp_template=None
            if template is None
            else {"sid": template.sid, "variables": list(template.variables)},
            created_at=campaign.created_at,
            cancelled_at=campaign.cancelled_at,
            author=campaign.author,
            stats=CampaignStatsOut.of(stats),
        )


class CampaignList(BaseModel):
    items: list[CampaignOut]
    next_before_id: int | None = Field(description="Pass as `before_id` for the next (older) page.")


class CampaignTestIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"customer_id": 7}]})

    customer_id: int = Field(strict=True, ge=1, le=2**63 - 1)


class CampaignTestOut(BaseModel):
    campaign_id: int
    customer_id: int
    outbox_id: int
    preview: str = Field(description="The text as the customer will read it now (plain).")
