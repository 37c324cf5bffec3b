"""Personal offer codes at the desk: check a code the customer shows, and mark it used once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from domain.offer_codes import SHAPE_PATTERN
from domain.services.offer_codes import find_offer_code, use_offer_code
from webhooks.api.offer_schemas import OfferCodeOut
from webhooks.deps import AdminAuthor, Deps
from webhooks.errors import DomainErrorRoute, error_responses

Code = Annotated[
    str,
    Path(
        pattern=SHAPE_PATTERN,
        description="XXXX-XXXX: capitals and digits without 0, O, 1 and I; lower case is accepted.",
        examples=["K7QM-4XZP"],
    ),
]

router = APIRouter(prefix="/offers/codes", tags=["offers"], route_class=DomainErrorRoute)


@router.get("/{code}", response_model=OfferCodeOut, responses=error_responses(404, 422))
async def get_offer_code(deps: Deps, code: Code) -> OfferCodeOut:
    """A personal offer code: whose, which offer, issued, used or expired, and its last day."""
    async with deps.uow() as uow:
        found = await find_offer_code(uow, deps.rules, code.upper())
    return OfferCodeOut.of(found, deps.rules, deps.jobs.today())


@router.post("/{code}/use", response_model=OfferCodeOut, responses=error_responses(404, 409, 422))
async def use_code(deps: Deps, code: Code, author: AdminAuthor) -> OfferCodeOut:
    """Mark the code used, once: a used or expired code is a 409 and nothing changes."""
    today = deps.jobs.today()
    async with deps.uow() as uow:
        used = await use_offer_code(uow, deps.rules, code.upper(), today, deps.clock.now(), author)
        await uow.commit()
    return OfferCodeOut.of(used, deps.rules, today)
