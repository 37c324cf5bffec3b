"""Customers at the desk: lookup by phone, card, ledger, manual adjustments."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Path, Query, status

from bot.phones import InvalidPhone, normalize_phone
from domain.ports import UnitOfWork
from domain.services.customers import live_customer
from domain.services.points import adjust_points
from domain.services.referral_views import referral_summary
from webhooks.api.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    BadgeOut,
    CustomerDetail,
    CustomerList,
    CustomerOut,
    LedgerEntryOut,
    LedgerPage,
    ReferralCounts,
    ReferralRefusalOut,
)
from webhooks.deps import AdminAuthor, Deps
from webhooks.errors import DomainErrorRoute, error_responses
from webhooks.fields import INT64_MAX

CustomerId = Annotated[int, Path(ge=1, le=INT64_MAX)]

router = APIRouter(prefix="/customers", tags=["customers"], route_class=DomainErrorRoute)


async def _channels(uow: UnitOfWork, customer_id: int) -> list[str]:
    return sorted({i.channel.value for i in await uow.identities.of_customer(customer_id)})


@router.get("", response_model=CustomerList, responses=error_responses(422))
async def find_customers(
    deps: Deps,
    phone: Annotated[str, Query(max_length=32, examples=["+79161234567"], description="Any usual spelling")],
) -> CustomerList:
    """Look a member up by phone; an unknown phone gives an empty list."""
    try:
        e164 = normalize_phone(phone)
    except InvalidPhone as exc:
        raise HTTPException(
            422,
            [{"loc": ["query", "phone"], "msg": f"not a valid phone number: {exc}", "type": "value_error"}],
        ) from None
    async with deps.uow() as uow:
        customer = await uow.customers.by_phone(e164)
        if customer is None or customer.is_deleted or customer.id is None:
            return CustomerList(items=[])
        return CustomerList(items=[CustomerOut.of(customer, await _channels(uow, customer.id))])


@router.get("/{customer_id}", response_model=CustomerDetail, responses=error_responses(404))
async def get_customer(deps: Deps, customer_id: CustomerId) -> CustomerDetail:
    """One member's card."""
    async with deps.uow() as uow:
        customer = await live_customer(uow, customer_id)
        base = CustomerOut.of(customer, await _channels(uow, customer_id))
        summary = await referral_summary(uow, customer_id)
        held = await uow.badges.of_customer(customer_id)
    return CustomerDetail(
        **base.model_dump(),
        locale=customer.locale,
        registered_at=customer.registered_at,
        referral_code=customer.referral_code,
        referred_by=customer.referred_by_id,
        referrals=ReferralCounts(joined=summary.joined, pending=summary.pending, rewarded=summary.rewarded),
        referral_refusals=[
            ReferralRefusalOut(friend_customer_id=r.friend_customer_id, reason=r.reason, at=r.at)
            for r in summary.refusals
        ],
        badges=[BadgeOut(key=b.key, awarded_at=b.awarded_at) for b in held],
    )


@router.get("/{customer_id}/ledger", response_model=LedgerPage, responses=error_responses(404, 422))
async def get_ledger(
    deps: Deps,
    customer_id: CustomerId,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before_id: Annotated[
        int | None, Query(ge=1, le=INT64_MAX, description="Entries older than this id")
    ] = None,
) -> LedgerPage:
    """A member's points history, newest first, one page at a time."""
    async with deps.uow() as uow:
        await live_customer(uow, customer_id)
        entries = await uow.ledger.history(customer_id, limit=limit + 1, before_id=before_id)
    page = entries[:limit]
    more = len(entries) > limit
    return LedgerPage(
        items=[LedgerEntryOut.of(e) for e in page], next_before_id=page[-1].id if more and page else None
    )


@router.post(
    "/{customer_id}/adjustments",
    response_model=AdjustmentOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404, 409, 422),
)
async def add_adjustment(
    deps: Deps,
    customer_id: CustomerId,
    body: AdjustmentIn,
    author: AdminAuthor,
    idempotency_key: Annotated[
        str | None,
        Header(
            min_length=1,
            max_length=100,
            pattern=r"^[\x21-\x7e]+$",
            description="Repeat a call with the same key and it is applied once.",
        ),
    ] = None,
) -> AdjustmentOut:
    """Credit or debit points by hand, with a reason; recorded with the caller as author."""
    key = f"adjustment:{idempotency_key or uuid.uuid4().hex}"
    async with deps.uow() as uow:
        await live_customer(uow, customer_id)
        result = await adjust_points(
            uow,
            customer_id=customer_id,
            points=body.points,
            reason=body.reason,
            author=author,
            source_key=key,
            now=deps.clock.now(),
            expires_in_days=deps.rules.earning.expires_days,
        )
        await uow.commit()
    return AdjustmentOut(
        entry=LedgerEntryOut.of(result.entry), balance=result.balance, duplicate=result.duplicate
    )
