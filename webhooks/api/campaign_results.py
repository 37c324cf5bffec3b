"""What a campaign brought: its recipients against its holdout, within the attribution window."""

from __future__ import annotations

from fastapi import APIRouter

from domain.services.reports import read_campaign_results
from webhooks.api.campaigns import CampaignId
from webhooks.api.kpi_schemas import CampaignResultsOut
from webhooks.deps import Deps
from webhooks.errors import DomainErrorRoute, error_responses

router = APIRouter(prefix="/campaigns", tags=["campaigns"], route_class=DomainErrorRoute)


@router.get("/{campaign_id}/results", response_model=CampaignResultsOut, responses=error_responses(404, 422))
async def results(deps: Deps, campaign_id: CampaignId) -> CampaignResultsOut:
    """Recipients, delivered, holdout, their repairs and revenue after it, the lift and the ROI."""
    async with deps.uow() as uow:
        return CampaignResultsOut.of(await read_campaign_results(uow, deps.rules, campaign_id))
