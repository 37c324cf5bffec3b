"""Spending points at the desk: request a code to the customer's chat, then confirm it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from domain.redemptions import RedemptionNotFound
from domain.services.redemptions import confirm_redemption, request_redemption
from webhooks.api.schemas import ConfirmIn, ConfirmOut, RedemptionIn, RedemptionOut
from webhooks.deps import AdminAuthor, Deps
from webhooks.errors import DomainErrorRoute, error_responses
from webhooks.fields import INT64_MAX

RedemptionId = Annotated[int, Path(ge=1, le=INT64_MAX)]

router = APIRouter(prefix="/redemptions", tags=["redemptions"], route_class=DomainErrorRoute)


@router.post(
    "",
    response_model=RedemptionOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404, 409, 422),
)
async def create_redemption(deps: Deps, body: RedemptionIn, author: AdminAuthor) -> RedemptionOut:
    """Check balance and bill share, and send a one-time code to the customer's chat."""
    async with deps.uow() as uow:
        redemption = await request_redemption(
            uow,
            deps.rules,
            phone=body.phone,
            points=body.points,
            order_id=body.order_id,
            bill_minor=body.amount,
            now=deps.clock.now(),
            author=author,
        )
        await uow.commit()
    return RedemptionOut.of(redemption, deps.rules.redemption.code_max_attempts)


@router.get("/{redemption_id}", response_model=RedemptionOut, responses=error_responses(404))
async def get_redemption(deps: Deps, redemption_id: RedemptionId) -> RedemptionOut:
    """A redemption's state (pending, confirmed, locked, expired)."""
    async with deps.uow() as uow:
        redemption = await uow.redemptions.get(redemption_id)
    if redemption is None:
        raise RedemptionNotFound(f"redemption {redemption_id} not found")
    return RedemptionOut.of(redemption, deps.rules.redemption.code_max_attempts)


@router.post("/{redemption_id}/confirm", response_model=ConfirmOut, responses=error_responses(404, 409, 422))
async def confirm(
    deps: Deps, redemption_id: RedemptionId, body: ConfirmIn, author: AdminAuthor
) -> ConfirmOut:
    """Spend the points with the code the customer read out; wrong codes count, the last one locks."""
    async with deps.uow() as uow:
        outcome = await confirm_redemption(
            uow,
            deps.rules,
            redemption_id=redemption_id,
            code=body.code,
            now=deps.clock.now(),
            author=author,
        )
        await uow.commit()  # a wrong try is counted even though it is refused
    if outcome.refusal is not None:
        raise outcome.refusal
    assert outcome.redemption.id is not None and outcome.spent is not None
    return ConfirmOut(
        id=outcome.redemption.id,
        status=outcome.redemption.status,
        points=outcome.redemption.points,
        balance=outcome.spent.balance,
    )
