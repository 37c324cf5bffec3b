"""Campaign list and editor: the filter builder with its live recipient count, the texts previewed
per language for a sample member, the schedule, holdout and bonus; created through the same use
case as POST /api/v1/campaigns, the count through the same one as POST /api/v1/segments/preview."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData

from domain.campaigns import InvalidCampaign
from domain.segments import InvalidSegment, parse_segment_filter
from domain.services.campaign_preview import CampaignPreview, preview_campaign
from domain.services.campaigns import CampaignDraft, create_campaign
from webhooks.admin.campaign_form import (
    FILTER_FIELDS,
    LOCALES,
    CampaignForm,
    choices,
    read_campaign,
    read_filter,
)
from webhooks.admin.campaign_view import refused_field, schedule_of
from webhooks.admin.visit import SignedIn, Visit
from webhooks.deps import Deps, WebDeps
from webhooks.fields import INT64_MAX

_KEY = re.compile(r"[0-9a-f]{32}")
router = APIRouter()
PAGE = 25
CHECKED = (*FILTER_FIELDS, *(f"message_{locale}" for locale in LOCALES))


@router.get("/campaigns", include_in_schema=False)
async def campaign_list(
    visit: SignedIn,
    deps: Deps,
    before: Annotated[int | None, Query(ge=1, le=INT64_MAX)] = None,
) -> Response:
    async with deps.uow() as uow:
        page = await uow.campaigns.page(before_id=before, limit=PAGE)
        rows = [(c, await uow.campaigns.stats(c.id)) for c in page if c.id is not None]
    older = rows[-1][0].id if len(rows) == PAGE else None
    return visit.render(
        "campaigns.html", nav="campaigns", rows=rows, older=older, schedule=schedule_of(deps, visit.words)
    )


@router.get("/campaigns/new", include_in_schema=False)
async def campaign_new(visit: SignedIn, deps: Deps) -> Response:
    parsed = read_filter(_defaults(), deps.rules)
    return await _editor(visit, deps, parsed, status=200)


@router.post("/campaigns/new", include_in_schema=False)
async def campaign_create(visit: SignedIn, deps: Deps) -> Response:
    """`action=check`: count and preview, nothing written; `action=create`: schedule it."""
    data = await visit.request.form()
    now = deps.clock.now()
    parsed = read_campaign(data, deps.rules, timezone=deps.timezone, now=now)
    if data.get("action") != "create":  # a check: only what the count and the preview depend on
        for name in [n for n in parsed.form.errors if n not in CHECKED]:
            del parsed.form.errors[name]
        return await _editor(visit, deps, parsed, status=200)
    if not parsed.ok:
        return await _editor(visit, deps, parsed, status=422)
    tools = deps.campaigns
    draft = CampaignDraft(
        name=parsed.form.value("name").strip(),
        filter=parsed.filter,
        messages=parsed.messages,
        send_at=parsed.send_at,
        cron=parsed.cron,
        bonus_points=parsed.bonus_points,
        holdout_percent=parsed.holdout_percent,
        whatsapp_template=parsed.whatsapp_template,
        author=visit.session.author if visit.session else None,
        client_key=_form_key(data.get("form_key")),
    )
    async with deps.uow() as uow:
        try:
            campaign = await create_campaign(
                uow,
                draft,
                rules=deps.rules,
                texts=tools.texts,
                schedules=tools.schedules,
                locales=tools.locales,
                now=now,
            )
        except InvalidCampaign as exc:
            name = refused_field(exc.field)
            label = "campaigns.render_error" if name.startswith("message_") else "campaigns.refused"
            parsed.form.fail(name, label, reason=exc.reason)
        else:
            await uow.commit()
    if not parsed.ok:  # re-rendered after that unit of work ended, in one of its own
        return await _editor(visit, deps, parsed, status=422)
    return visit.redirect(f"/admin/campaigns/{campaign.id}?created=1")


@router.post("/campaigns/count", include_in_schema=False)
async def campaign_count(visit: SignedIn, deps: Deps) -> Response:
    """The live count of the editor's script: the filter as the form has it, the members it reaches."""
    parsed = read_filter(await visit.request.form(), deps.rules)
    preview = await _preview(deps, parsed) if parsed.ok else None
    w = visit.words
    if preview is None:
        errors = {name: parsed.form.message(name, w) for name in parsed.form.errors}
        return visit.finish(JSONResponse({"errors": errors}, status_code=422))
    text = w.plural(preview.count, "recipients")
    return visit.finish(JSONResponse({"count": preview.count, "text": text}))


async def _preview(deps: WebDeps, parsed: CampaignForm) -> CampaignPreview | None:
    try:
        spec = parse_segment_filter(parsed.filter, tiers=[t.key for t in deps.rules.tiers])
    except InvalidSegment as exc:  # the form's own checks missed it: shown by the domain's reason
        parsed.form.fail(exc.field, "campaigns.refused", reason=exc.reason)
        return None
    async with deps.uow() as uow:
        return await preview_campaign(
            uow,
            deps.rules,
            spec,
            bonus_points=parsed.bonus_points,
            locales=LOCALES,
            now=deps.clock.now(),
        )


def _rendered(deps: WebDeps, parsed: CampaignForm, preview: CampaignPreview | None) -> dict[str, str]:
    """Each language's text for the sample member, through the delivery's renderer; errors beside it."""
    texts, shown = deps.campaigns.texts, {}
    for locale in LOCALES:
        name, source = f"message_{locale}", parsed.messages.get(locale)
        if source is None or name in parsed.form.errors:
            continue
        try:
            texts.check(f"message.{locale}", source)
            if preview is not None and locale in preview.variables:
                shown[locale] = texts.render(
                    source, preview.variables[locale], locale=locale, channel="plain"
                )
        except InvalidCampaign as exc:
            parsed.form.fail(name, "campaigns.render_error", reason=exc.reason)
        except Exception as exc:
            parsed.form.fail(name, "campaigns.render_error", reason=str(exc))
    return shown


async def _editor(visit: Visit, deps: WebDeps, parsed: CampaignForm, *, status: int) -> Response:
    preview = await _preview(deps, parsed) if not _filter_failed(parsed) else None
    shown = _rendered(deps, parsed, preview)
    return visit.render(
        "campaign_new.html",
        status=status,
        nav="campaigns",
        form=parsed.form,
        picked=parsed.picked,
        choices=choices(deps.rules),
        tiers={t.key: t.name(visit.words.locale) for t in deps.rules.tiers},
        preview=preview,
        shown=shown,
        locales=LOCALES,
        timezone=deps.timezone,
        max_bonus=deps.rules.marketing.campaign_max_bonus_points,
    )


def _form_key(value: object) -> str | None:
    """The editor's own key, or None for a post that did not come from it (then nothing dedupes)."""
    return f"admin:{value}" if isinstance(value, str) and _KEY.fullmatch(value) else None


def _filter_failed(parsed: CampaignForm) -> bool:
    return any(k in parsed.form.errors for k in FILTER_FIELDS)


def _defaults() -> FormData:
    return FormData(
        {
            "holdout_percent": "0",
            "bonus_points": "0",
            "schedule": "now",
            "send_time": "10:00",
            "form_key": uuid.uuid4().hex,  # kept through checks and re-renders: one form, one campaign
        }
    )
