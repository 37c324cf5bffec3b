"""Customers: search by phone, a member's card (the desk API's use cases), a manual points adjustment."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from bot.phones import InvalidPhone, normalize_phone
from domain.errors import (
    CustomerDeleted,
    CustomerNotFound,
    IdempotencyKeyReused,
    InsufficientPoints,
    InvalidAmount,
    SourceKeyConflict,
)
from domain.services.customer_card import read_customer_card
from domain.services.points import adjust_points
from webhooks.admin.forms import Form
from webhooks.admin.visit import SignedIn, Visit
from webhooks.deps import Deps
from webhooks.fields import INT64_MAX

router = APIRouter()
CustomerId = Annotated[int, Path(ge=1, le=INT64_MAX)]
MAX_ADJUSTMENT = 1_000_000
LEDGER_PAGE = 50
_KEY = re.compile(r"[0-9a-f]{32}")


@router.get("/customers", include_in_schema=False)
async def search(
    visit: SignedIn, deps: Deps, phone: Annotated[str | None, Query(max_length=40)] = None
) -> Response:
    form = Form({"phone": phone or ""})
    found = None
    if phone is not None:
        typed = form.text("phone", max_length=40)
        if form.ok:
            try:
                e164 = normalize_phone(typed)
            except InvalidPhone:
                form.fail("phone", "customers.bad_phone")
            else:
                async with deps.uow() as uow:
                    customer = await uow.customers.by_phone(e164)
                found = [] if customer is None or customer.is_deleted else [customer]
    status = 422 if not form.ok else 200
    names = {tier.key: tier.name(visit.words.locale) for tier in deps.rules.tiers}
    return visit.render(
        "customers.html", status=status, form=form, found=found, tier_names=names, nav="customers"
    )


@router.get("/customers/{customer_id}", include_in_schema=False)
async def card(
    visit: SignedIn,
    deps: Deps,
    customer_id: CustomerId,
    before_id: Annotated[int | None, Query(ge=1, le=INT64_MAX)] = None,
    adjusted: Annotated[int | None, Query(ge=1, le=INT64_MAX)] = None,
    duplicate: bool = False,
) -> Response:
    notice = None
    if adjusted is not None:
        notice = "customers.already_adjusted" if duplicate else "customers.adjusted"
    return await _card(visit, deps, customer_id, _adjust_form(), before_id=before_id, notice=notice)


@router.post("/customers/{customer_id}/adjustments", include_in_schema=False)
async def adjust(visit: SignedIn, deps: Deps, customer_id: CustomerId) -> Response:
    form = Form(await visit.request.form())
    points = form.integer("points", minimum=-MAX_ADJUSTMENT, maximum=MAX_ADJUSTMENT, nonzero=True)
    reason = form.text("reason", max_length=200)
    key = form.value("idempotency_key")
    if not _KEY.fullmatch(key):  # not from our page: a new key would make a double submit count twice
        form.fail("points", "customers.stale_form")
    assert visit.session is not None
    if form.ok and points is not None:
        try:
            async with deps.uow() as uow:
                result = await adjust_points(
                    uow,
                    customer_id=customer_id,
                    points=points,
                    reason=reason,
                    author=visit.session.author,
                    source_key=f"adjustment:admin:{key}",
                    now=deps.clock.now(),
                    expires_in_days=deps.rules.earning.expires_days,
                )
                await uow.commit()
        except (CustomerNotFound, CustomerDeleted):  # e.g. erased while the card was open
            return visit.render("not_found.html", status=404, nav="customers")
        except SourceKeyConflict:  # the form of another customer's card, posted here
            form.fail("points", "customers.stale_form")
        except InsufficientPoints:
            form.fail("points", "customers.insufficient")
        except IdempotencyKeyReused:
            form.fail("points", "customers.key_reused")
        except InvalidAmount:
            form.fail("reason", "form.required")
        else:
            duplicate = "&duplicate=1" if result.duplicate else ""
            return visit.redirect(f"/admin/customers/{customer_id}?adjusted={result.entry.id}{duplicate}")
    return await _card(visit, deps, customer_id, form, status=422)


def _adjust_form() -> Form:
    return Form({"idempotency_key": uuid.uuid4().hex})


async def _card(
    visit: Visit,
    deps: Deps,
    customer_id: int,
    form: Form,
    *,
    before_id: int | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    try:
        async with deps.uow() as uow:
            found = await read_customer_card(uow, customer_id, ledger_limit=LEDGER_PAGE, before_id=before_id)
    except CustomerNotFound:
        return visit.render("not_found.html", status=404, nav="customers")
    rules = deps.rules
    return visit.render(
        "customer.html",
        status=status,
        card=found,
        form=form,
        notice=notice and visit.words.t(notice),
        tier_name=rules.tier(found.customer.tier).name(visit.words.locale),
        badge_names={b.key: b.name(visit.words.locale) for b in rules.badges},
        nav="customers",
    )
