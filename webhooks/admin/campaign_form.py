"""The campaign editor's form, checked field by field: the segment filter it builds (the keys of
PRODUCT.md, "Segment filter"), the texts per language, the schedule in the shop's time zone, the
holdout and the bonus. Messages are label keys of `[campaigns]`/`[form]`; the domain checks again."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from domain.campaigns import MAX_HOLDOUT_PERCENT, MAX_NAME, MAX_TEXT, WhatsAppTemplate
from domain.customers import Channel
from domain.repairs import DeviceCategory
from domain.rules import ProgramRules
from domain.segments import MAX_COUNT, MAX_DAYS
from webhooks.admin.forms import Form

LOCALES = ("ru", "en")
COUNTS = ("min_visits", "max_visits")
SPENDS = ("min_spend", "max_spend")
DAYS = ("last_visit_within_days", "no_visit_for_days", "registered_within_days")
CHOICES = ("tiers", "device_categories", "channels", "locales")
SCHEDULES = ("now", "at", "cron")
FILTER_FIELDS = (*CHOICES, *COUNTS, *SPENDS, *DAYS, "birthday_month")
_MONEY = re.compile(r"[0-9]{1,10}([.,][0-9]{1,2})?")
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_SID = re.compile(r"HX[0-9a-fA-F]{32}")


def choices(rules: ProgramRules) -> dict[str, tuple[str, ...]]:
    """The values each multiple-choice filter offers."""
    return {
        "tiers": tuple(t.key for t in rules.tiers),
        "device_categories": tuple(c.value for c in DeviceCategory),
        "channels": tuple(c.value for c in Channel),
        "locales": LOCALES,
    }


@dataclass
class CampaignForm:
    form: Form
    picked: dict[str, list[str]] = field(default_factory=dict)  # the ticked boxes, kept on re-render
    filter: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    send_at: dt.datetime | None = None
    cron: str | None = None
    holdout_percent: int = 0
    bonus_points: int = 0
    whatsapp_template: WhatsAppTemplate | None = None

    @property
    def ok(self) -> bool:
        return self.form.ok


def read_filter(data: FormData, rules: ProgramRules) -> CampaignForm:
    """Only the segment filter (the live count needs no more)."""
    parsed = CampaignForm(Form(data))
    form = parsed.form
    for key, allowed in choices(rules).items():
        values = [v for v in data.getlist(key) if isinstance(v, str)]
        parsed.picked[key] = values
        if any(v not in allowed for v in values):
            form.fail(key, "campaigns.unknown_choice")
        elif values:
            parsed.filter[key] = values
    for key in COUNTS:
        _optional(parsed, key, 0, MAX_COUNT)
    for key in DAYS:
        _optional(parsed, key, 1, MAX_DAYS)
    month = form.value("birthday_month").strip()
    if month:
        _optional(parsed, "birthday_month", 1, 12)
    for key in SPENDS:
        raw = form.value(key).strip().replace(" ", "").replace("\u00a0", "")
        if not raw:
            continue
        if not _MONEY.fullmatch(raw):
            form.fail(key, "campaigns.not_money")
        else:
            parsed.filter[key] = raw.replace(",", ".")
    _cross_checks(parsed)
    return parsed


def _optional(parsed: CampaignForm, key: str, low: int, high: int) -> None:
    if parsed.form.value(key).strip():
        number = parsed.form.integer(key, minimum=low, maximum=high)
        if number is not None:
            parsed.filter[key] = number


def _cross_checks(parsed: CampaignForm) -> None:
    f = parsed.filter
    if "min_visits" in f and "max_visits" in f and f["min_visits"] > f["max_visits"]:
        parsed.form.fail("min_visits", "campaigns.min_over_max")
    if "min_spend" in f and "max_spend" in f and float(f["min_spend"]) > float(f["max_spend"]):
        parsed.form.fail("min_spend", "campaigns.min_over_max")
    within, none_for = f.get("last_visit_within_days"), f.get("no_visit_for_days")
    if within is not None and none_for is not None and within <= none_for:
        parsed.form.fail("last_visit_within_days", "campaigns.within_vs_none", days=none_for)


def read_campaign(data: FormData, rules: ProgramRules, *, timezone: str, now: dt.datetime) -> CampaignForm:
    """The whole editor: the filter, then name, texts, schedule, holdout, bonus, WhatsApp template."""
    parsed = read_filter(data, rules)
    form = parsed.form
    form.text("name", max_length=MAX_NAME)
    for locale in LOCALES:
        text = form.value(f"message_{locale}")
        if len(text) > MAX_TEXT:
            form.fail(f"message_{locale}", "form.too_long", max=MAX_TEXT)
        elif text.strip():
            parsed.messages[locale] = text.replace("\r\n", "\n")
    if not parsed.messages and "message_ru" not in form.errors:
        form.fail("message_ru", "campaigns.message_required")
    _schedule(parsed, timezone, now)
    holdout = form.integer("holdout_percent", minimum=0, maximum=MAX_HOLDOUT_PERCENT)
    bonus = form.integer("bonus_points", minimum=0, maximum=rules.marketing.campaign_max_bonus_points)
    parsed.holdout_percent, parsed.bonus_points = holdout or 0, bonus or 0
    _whatsapp(parsed)
    return parsed


def _schedule(parsed: CampaignForm, timezone: str, now: dt.datetime) -> None:
    form = parsed.form
    mode = form.value("schedule") or "now"
    if mode not in SCHEDULES:
        form.fail("schedule", "campaigns.unknown_choice")
    elif mode == "cron":
        parsed.cron = form.text("cron", max_length=120) or None
    elif mode == "at":
        day = form.date("send_date", required=True)
        clock = form.value("send_time").strip()
        if not _TIME.fullmatch(clock):
            form.fail("send_time", "campaigns.not_time")
        elif day is not None:
            hour, minute = (int(part) for part in clock.split(":"))
            moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(timezone))
            if moment < now - dt.timedelta(minutes=1):
                form.fail("send_date", "campaigns.in_the_past")
            elif moment > now + dt.timedelta(days=366):
                form.fail("send_date", "campaigns.too_far")
            else:
                parsed.send_at = moment


def _whatsapp(parsed: CampaignForm) -> None:
    form = parsed.form
    sid = form.value("wa_sid").strip()
    lines = [line.strip() for line in form.value("wa_variables").splitlines() if line.strip()]
    if not sid:
        if lines:
            form.fail("wa_sid", "campaigns.wa_sid_needed")
        return
    if not _SID.fullmatch(sid):
        form.fail("wa_sid", "campaigns.wa_sid_shape")
    elif len(lines) > 10:
        form.fail("wa_variables", "campaigns.wa_too_many")
    else:
        parsed.whatsapp_template = WhatsAppTemplate(sid, tuple(lines))
