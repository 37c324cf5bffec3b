"""The marketer / desk API under /api/v1: every route needs `Authorization: Bearer <ADMIN_API_TOKEN>`."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from webhooks.api import (
    campaign_results,
    campaigns,
    customers,
    data_requests,
    jobs,
    kpi,
    offers,
    redemptions,
    segments,
)
from webhooks.auth import require_admin
from webhooks.errors import ANY_ROUTE, error_responses

router = APIRouter(
    prefix="/api/v1", dependencies=[Depends(require_admin)], responses=error_responses(400, 401, *ANY_ROUTE)
)
router.include_router(customers.router)
router.include_router(redemptions.router)
router.include_router(segments.router)
router.include_router(campaigns.router)
router.include_router(jobs.router)
router.include_router(campaign_results.router)
router.include_router(kpi.router)
router.include_router(offers.router)
router.include_router(data_requests.router)
