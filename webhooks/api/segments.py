"""Segments: preview what a filter reaches before a campaign uses it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from bot.phones import mask_phone
from domain.segments import InvalidSegment, parse_segment_filter
from domain.services.segments import preview_segment
from webhooks.api.segment_schemas import SegmentMemberOut, SegmentPreviewIn, SegmentPreviewOut
from webhooks.deps import Deps
from webhooks.errors import DomainErrorRoute, error_responses

router = APIRouter(prefix="/segments", tags=["segments"], route_class=DomainErrorRoute)


@router.post("/preview", response_model=SegmentPreviewOut, responses=error_responses(422))
async def preview(
    deps: Deps,
    body: SegmentPreviewIn,
    sample_size: Annotated[int, Query(ge=0, le=100, description="How many members to show")] = 10,
) -> SegmentPreviewOut:
    """Count the members a filter reaches and show a few, phones masked; nothing is written."""
    try:
        spec = parse_segment_filter(body.filter, tiers=[t.key for t in deps.rules.tiers])
    except InvalidSegment as exc:
        raise HTTPException(
            422, [{"loc": ["body", "filter", exc.field], "msg": exc.reason, "type": "value_error"}]
        ) from None
    async with deps.uow() as uow:
        result = await preview_segment(uow, spec, deps.clock.now(), sample_size)
    return SegmentPreviewOut(
        count=result.count,
        sample=[
            SegmentMemberOut(
                id=m.id,
                phone=mask_phone(m.phone) if m.phone else None,
                name=m.name,
                tier=m.tier,
                locale=m.locale,
            )
            for m in result.sample
        ],
    )
