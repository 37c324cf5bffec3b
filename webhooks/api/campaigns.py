"""Campaigns: schedule a message to a segment, watch its stats fill, test it on one member, cancel it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query, status

from domain.campaigns import InvalidCampaign, WhatsAppTemplate
from domain.ports import UnitOfWork
from domain.services.campaigns import (
    CampaignDraft,
    cancel_campaign,
    create_campaign,
    get_campaign,
    queue_test_message,
)
from webhooks.api.campaign_schemas import (
    CampaignIn,
    CampaignList,
    CampaignOut,
    CampaignTestIn,
    CampaignTestOut,
)
from webhooks.deps import AdminAuthor, Deps
from webhooks.errors import DomainErrorRoute, error_responses
from webhooks.fields import INT64_MAX

CampaignId = Annotated[int, Path(ge=1, le=INT64_MAX)]

router = APIRouter(prefix="/campaigns", tags=["campaigns"], route_class=DomainErrorRoute)


def _refused(exc: InvalidCampaign) -> HTTPException:
    parts = exc.field.split(".")
    where = ["body", "message", *parts[1:]] if parts[0] == "message" else ["body", *parts]
    loc = [int(p) if p.isdigit() else p for p in where]
    return HTTPException(422, [{"loc": loc, "msg": exc.reason, "type": "value_error"}])


async def _out(uow: UnitOfWork, campaign_id: int) -> CampaignOut:
    campaign = await get_campaign(uow, campaign_id)
    return CampaignOut.of(campaign, await uow.campaigns.stats(campaign_id))


@router.post(
    "", response_model=CampaignOut, status_code=status.HTTP_201_CREATED, responses=error_responses(422)
)
async def create(deps: Deps, body: CampaignIn, author: AdminAuthor) -> CampaignOut:
    """Schedule a one-off (`send_at`) or recurring (`cron`) campaign; nothing is written if refused."""
    template = body.whatsapp_template
    draft = CampaignDraft(
        name=body.name,
        filter=body.filter,
        messages=body.message,
        send_at=body.send_at,
        cron=body.cron,
        bonus_points=body.bonus_points,
        holdout_percent=body.holdout_percent,
        whatsapp_template=None
        if template is None
        else WhatsAppTemplate(template.sid, tuple(template.variables)),
        author=author,
    )
    campaigns = deps.campaigns
    async with deps.uow() as uow:
        try:
            campaign = await create_campaign(
                uow,
                draft,
                rules=deps.rules,
                texts=campaigns.texts,
                schedules=campaigns.schedules,
                locales=campaigns.locales,
                now=deps.clock.now(),
            )
        except InvalidCampaign as exc:
            raise _refused(exc) from None
        await uow.commit()
    assert campaign.id is not None
    async with deps.uow() as uow:
        return await _out(uow, campaign.id)


@router.get("", response_model=CampaignList, responses=error_responses(422))
async def list_campaigns(
    deps: Deps,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    before_id: Annotated[int | None, Query(ge=1, le=INT64_MAX, description="From the last page")] = None,
) -> CampaignList:
    """Campaigns, newest first, each with its stats."""
    async with deps.uow() as uow:
        page = await uow.campaigns.page(before_id=before_id, limit=limit)
        items = [CampaignOut.of(c, await uow.campaigns.stats(c.id)) for c in page if c.id is not None]
    return CampaignList(items=items, next_before_id=items[-1].id if len(items) == limit else None)


@router.get("/{campaign_id}", response_model=CampaignOut, responses=error_responses(404, 422))
async def read(deps: Deps, campaign_id: CampaignId) -> CampaignOut:
    """One campaign: its status and stats (recipients, sent, delivered, failed, skipped, holdout)."""
    async with deps.uow() as uow:
        return await _out(uow, campaign_id)


@router.post("/{campaign_id}/cancel", response_model=CampaignOut, responses=error_responses(404, 409, 422))
async def cancel(deps: Deps, campaign_id: CampaignId) -> CampaignOut:
    """Stop what has not gone yet: its queued messages are skipped as `cancelled`."""
    async with deps.uow() as uow:
        await cancel_campaign(uow, campaign_id, deps.clock.now())
        await uow.commit()
    async with deps.uow() as uow:
        return await _out(uow, campaign_id)


@router.post(
    "/{campaign_id}/test",
    response_model=CampaignTestOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(404, 409, 422),
)
async def test_send(deps: Deps, campaign_id: CampaignId, body: CampaignTestIn) -> CampaignTestOut:
    """Send the campaign's message to one member now (a colleague who agreed to promotions): no
    bonus, not in the stats, not held by the quiet hours."""
    tools = deps.campaigns
    async with deps.uow() as uow:
        queued = await queue_test_message(uow, deps.rules, campaign_id, body.customer_id, deps.clock.now())
        source = queued.campaign.text_for(queued.locale, tools.default_locale)
        try:
            preview = tools.texts.render(source, queued.variables, locale=queued.locale, channel="plain")
        except Exception as exc:  # this member's values break the template: nothing is queued
            raise HTTPException(
                422,
                [
                    {
                        "loc": ["body", "customer_id"],
                        "msg": f"the campaign's text does not render for this customer: {exc}",
                        "type": "value_error",
                    }
                ],
            ) from None
        await uow.commit()
    assert queued.message.id is not None
    return CampaignTestOut(
        campaign_id=campaign_id,
        customer_id=body.customer_id,
        outbox_id=queued.message.id,
        preview=preview,
    )
