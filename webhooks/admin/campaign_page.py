"""One campaign: what it is, its stats and results (the same Reports use case as
GET /api/v1/campaigns/{id}/results), and what can be done to it: cancel, a test send to one member."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from domain.campaigns import CampaignFinished, CampaignNotFound, TestRecipientRefused
from domain.errors import CustomerDeleted, CustomerNotFound
from domain.segments import InvalidSegment, SegmentMember
from domain.services.campaigns import campaign_segment, cancel_campaign, get_campaign, queue_test_message
from domain.services.reports import read_campaign_results
from domain.services.segments import preview_segment
from webhooks.admin.campaign_form import choices
from webhooks.admin.campaign_view import STATUS_TONE, schedule_of
from webhooks.admin.forms import Form
from webhooks.admin.visit import SignedIn, Visit
from webhooks.deps import Deps, WebDeps
from webhooks.fields import INT64_MAX

router = APIRouter()
CampaignId = Annotated[int, Path(ge=1, le=INT64_MAX)]
SUGGESTED = 5  # members of the segment offered for a test send
REFUSALS = {
    CustomerNotFound: "campaigns.test_no_customer",
    CustomerDeleted: "campaigns.test_deleted",
    TestRecipientRefused: "campaigns.test_unreachable",
    CampaignFinished: "campaigns.test_cancelled",
}


@router.get("/campaigns/{campaign_id}", include_in_schema=False)
async def campaign_detail(visit: SignedIn, deps: Deps, campaign_id: CampaignId) -> Response:
    notice = next((k for k in ("created", "cancelled", "sent") if k in visit.request.query_params), None)
    return await _page(visit, deps, campaign_id, Form(), notice=notice)


@router.post("/campaigns/{campaign_id}/cancel", include_in_schema=False)
async def campaign_cancel(visit: SignedIn, deps: Deps, campaign_id: CampaignId) -> Response:
    async with deps.uow() as uow:
        try:
            await cancel_campaign(uow, campaign_id, deps.clock.now())
        except (CampaignFinished, CampaignNotFound) as exc:
            refused: Exception | None = exc
        else:
            refused = None
            await uow.commit()
    if isinstance(refused, CampaignNotFound):
        return visit.render("campaign_missing.html", status=404, nav="campaigns")
    if refused is not None:  # the page is read in a unit of work of its own, after this one ended
        return await _page(visit, deps, campaign_id, Form(), notice="finished", status=409)
    return visit.redirect(f"/admin/campaigns/{campaign_id}?cancelled=1")


@router.post("/campaigns/{campaign_id}/test", include_in_schema=False)
async def campaign_test(visit: SignedIn, deps: Deps, campaign_id: CampaignId) -> Response:
    """The API's test send: to one member the campaign could reach, its refusals beside the field."""
    form = Form(await visit.request.form())
    customer_id = form.integer("customer_id", minimum=1, maximum=INT64_MAX)
    if customer_id is None:
        return await _page(visit, deps, campaign_id, form, status=422)
    found = await _queue_test(deps, campaign_id, customer_id, form)
    if found is None:
        return visit.render("campaign_missing.html", status=404, nav="campaigns")
    if not form.ok:
        return await _page(visit, deps, campaign_id, form, status=422)
    return visit.redirect(f"/admin/campaigns/{campaign_id}?sent={customer_id}")


async def _queue_test(deps: WebDeps, campaign_id: int, customer_id: int, form: Form) -> bool | None:
    """Queue it, or record why not on `form` (nothing queued); None: no such campaign."""
    tools = deps.campaigns
    async with deps.uow() as uow:
        try:
            queued = await queue_test_message(uow, deps.rules, campaign_id, customer_id, deps.clock.now())
        except CampaignNotFound:
            return None
        except tuple(REFUSALS) as exc:
            form.fail("customer_id", REFUSALS[type(exc)], id=customer_id)
            return False
        source = queued.campaign.text_for(queued.locale, tools.default_locale)
        try:
            tools.texts.render(source, queued.variables, locale=queued.locale, channel="plain")
        except Exception as exc:  # this member's values break the text: nothing is queued
            form.fail("customer_id", "campaigns.render_error", reason=str(exc))
            return False
        await uow.commit()
    return True


async def _page(
    visit: Visit, deps: WebDeps, campaign_id: int, form: Form, *, notice: str | None = None, status: int = 200
) -> Response:
    async with deps.uow() as uow:
        try:
            campaign = await get_campaign(uow, campaign_id)
        except CampaignNotFound:
            return visit.render("campaign_missing.html", status=404, nav="campaigns")
        stats = await uow.campaigns.stats(campaign_id)
        results = await read_campaign_results(uow, deps.rules, campaign_id)
        try:
            spec = campaign_segment(campaign, deps.rules)
        except InvalidSegment:
            suggested: tuple[SegmentMember, ...] = ()
        else:
            suggested = (await preview_segment(uow, spec, deps.clock.now(), SUGGESTED)).sample
    return visit.render(
        "campaign.html",
        status=status,
        nav="campaigns",
        campaign=campaign,
        stats=stats,
        results=results,
        suggested=suggested,
        form=form,
        notice=notice,
        tone=STATUS_TONE,
        at=schedule_of(deps, visit.words),
        tiers={t.key: t.name(visit.words.locale) for t in deps.rules.tiers},
        choices=choices(deps.rules),
    )
