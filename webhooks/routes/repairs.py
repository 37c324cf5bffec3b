"""POST /webhooks/repairs: signed events of the shop's repair system (Standard Webhooks)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.repairs import (
    DeviceCategory,
    RecordRepairEvent,
    RepairEventType,
    RepairItem,
    RepairStatus,
)
from domain.services.repairs import RepairOutcome, record_repair_event
from store.retry import run_with_retries
from webhooks.auth import SignatureError, verify_repair_signature
from webhooks.bodies import read_limited_body
from webhooks.deps import Deps, WebDeps
from webhooks.errors import error_responses
from webhooks.fields import EventTime, Money, OrderId, Phone, Text
from webhooks.quotes import QuoteIn

router = APIRouter(tags=["repair system"])

MAX_BODY_BYTES = 256 * 1024
# Two first events of one new order may race to insert it, and PostgreSQL may pick this
# transaction as a deadlock victim: either way the event is applied again from scratch.
_RETRIES = 4
# The repair system's clock may run a little ahead of ours; an event further in the future would
# become the order's newest status and hide every real one after it.
FUTURE_TOLERANCE = timedelta(minutes=5)
# A promised date is shown to the customer: a year either way is generous for a repair.
ETA_WINDOW = timedelta(days=366)


class CustomerIn(BaseModel):
    phone: Phone
    name: Text | None = Field(default=None, max_length=200)


class DeviceIn(BaseModel):
    category: DeviceCategory
    brand: Text | None = Field(default=None, max_length=100)
    model: Text | None = Field(default=None, max_length=100)
    serial: Text | None = Field(default=None, max_length=100)


class ItemIn(BaseModel):
    name: Text = Field(min_length=1, max_length=200)
    kind: Text = Field(min_length=1, max_length=32, examples=["repair", "accessory", "gift_card"])
    price: Money


EXAMPLE_EVENT: dict[str, Any] = {
    "type": "repair.completed",
    "order_id": "R-1042",
    "customer": {"phone": "+7 916 123-45-67", "name": "Иван Петров"},
    "device": {"category": "phone", "brand": "Apple", "model": "iPhone 13", "serial": "optional"},
    "status": "completed",
    "amount": "4500.00",
    "items": [
        {"name": "Замена дисплея", "kind": "repair", "price": "4000.00"},
        {"name": "Защитное стекло", "kind": "accessory", "price": "500.00"},
    ],
    "eta": "2026-11-24",
    "occurred_at": "2026-11-22T10:00:00+03:00",
}


class RepairEventIn(BaseModel):
    """One repair-system event. Unknown fields are ignored, so the sender may add its own."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={"examples": [EXAMPLE_EVENT]})

    type: RepairEventType
    order_id: OrderId
    customer: CustomerIn
    device: DeviceIn
    status: RepairStatus | None = Field(
        default=None, description="Required on repair.status_changed; implied by the other types."
    )
    amount: Money | None = Field(default=None, description="The order's total; required on completion.")
    items: list[ItemIn] | None = Field(default=None, max_length=200)
    eta: date | None = None
    quote: QuoteIn | None = Field(
        default=None, description="Only with status waiting_approval: the price and work to approve."
    )
    occurred_at: EventTime

    def cross_field_errors(self) -> list[dict[str, Any]]:
        implied = {
            RepairEventType.COMPLETED: RepairStatus.COMPLETED,
            RepairEventType.CANCELLED: RepairStatus.CANCELLED,
        }.get(self.type)
        errors = []
        if implied is None and self.status is None:
            errors.append(_error("status", "required on repair.status_changed"))
        if implied is not None and self.status not in (None, implied):
            errors.append(_error("status", f"must be {implied.value} on {self.type.value}"))
        if (implied or self.status) is RepairStatus.COMPLETED and self.amount is None:
            errors.append(_error("amount", "required when the repair is completed"))
        if self.quote is not None and (implied or self.status) is not RepairStatus.WAITING_APPROVAL:
            errors.append(_error("quote", "only with status waiting_approval"))
        return errors

    def time_errors(self, now: datetime) -> list[dict[str, Any]]:
        """Moments the program cannot believe: an event from the future, a promise decades away."""
        errors = []
        if self.occurred_at - now > FUTURE_TOLERANCE:
            errors.append(_error("occurred_at", f"is in the future (more than {FUTURE_TOLERANCE} ahead)"))
        today = now.astimezone(UTC).date()
        if self.eta is not None and abs(self.eta - today) > ETA_WINDOW:
            errors.append(_error("eta", f"must be within {ETA_WINDOW.days} days of today"))
        return errors

    @property
    def effective_status(self) -> RepairStatus:
        if self.type is RepairEventType.COMPLETED:
            return RepairStatus.COMPLETED
        if self.type is RepairEventType.CANCELLED:
            return RepairStatus.CANCELLED
        assert self.status is not None
        return self.status

    def to_command(self, event_id: str) -> RecordRepairEvent:
        return RecordRepairEvent(
            event_id=event_id,
            type=self.type,
            order_id=self.order_id,
            phone=self.customer.phone,
            status=self.effective_status,
            device_category=self.device.category,
            occurred_at=self.occurred_at.astimezone(UTC),
            customer_name=self.customer.name,
            device_brand=self.device.brand,
            device_model=self.device.model,
            device_serial=self.device.serial,
            amount_minor=self.amount,
            items=None
            if self.items is None
            else tuple(RepairItem(i.name, i.kind, i.price) for i in self.items),
            eta=self.eta,
            quote_amount_minor=self.quote.amount if self.quote else None,
            quote_text=self.quote.text if self.quote else None,
        )


def _error(field: str, message: str) -> dict[str, Any]:
    return {"loc": ["body", field], "msg": message, "type": "value_error"}


class WebhookAck(BaseModel):
    status: Literal["processed", "duplicate"] = Field(examples=["processed"])


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The body is parsed by hand (after the signature), so its schema is inlined for OpenAPI."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


_SIGNATURE_HEADERS = [
    {"name": name, "in": "header", "required": True, "schema": {"type": "string"}, "description": text}
    for name, text in (
        ("webhook-id", "The event's unique id: the idempotency key."),
        ("webhook-timestamp", "Unix seconds; more than 5 minutes off is refused."),
        ("webhook-signature", "`v1,<base64 HMAC-SHA256>`, several space-separated during secret rotation."),
    )
]


@router.post(
    "/webhooks/repairs",
    response_model=WebhookAck,
    responses=error_responses(
        401,
        413,
        415,
        422,
        503,
        s401="Missing, malformed or wrong signature, or a timestamp more than 5 minutes off",
        s413="Body larger than 256 KiB",
    ),
    openapi_extra={
        "parameters": _SIGNATURE_HEADERS,
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": _inline_refs(RepairEventIn.model_json_schema()),
                    "example": EXAMPLE_EVENT,
                }
            },
        },
    },
)
async def receive_repair_event(request: Request, deps: Deps) -> WebhookAck:
    """Apply one signed repair-system event once; a repeated `webhook-id` is answered `duplicate`."""
    secret = deps.repair_webhook_secret
    if secret is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "repair events are refused: REPAIR_WEBHOOK_SECRET is not set"
        )
    if not _is_json(request.headers.get("content-type")):
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "send the event as application/json")
    body = await read_limited_body(request, MAX_BODY_BYTES)
    try:
        event_id = verify_repair_signature(secret, deps.clock, body, request.headers)
    except SignatureError as exc:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, str(exc)) from None
    event = _parse(body, deps.clock.now())
    outcome = await _record(deps, event.to_command(event_id))
    return WebhookAck(status="duplicate" if outcome.duplicate else "processed")


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json"


def _refuse_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise HTTPException(422, [_error(key, "appears more than once in its object")])
        seen.add(key)
    return dict(pairs)


def _parse(body: bytes, now: datetime) -> RepairEventIn:
    # which of two values for one key counts is the parser's whim: such a body is refused; a body
    # that is not JSON at all is left to pydantic below, which names the error
    with contextlib.suppress(ValueError):
        json.loads(body, object_pairs_hook=_refuse_duplicate_keys)
    try:
        event = RepairEventIn.model_validate_json(body)
    except ValidationError as exc:
        errors = [
            {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False)
        ]
        raise HTTPException(422, errors) from None
    errors = event.cross_field_errors() + event.time_errors(now)
    if errors:
        raise HTTPException(422, errors)
    return event


async def _record(deps: WebDeps, command: RecordRepairEvent) -> RepairOutcome:
    # An event is idempotent by its webhook-id, so a lost race (two first events of one new
    # order, a deadlock victim, a busy SQLite file) is simply applied again from the start.
    return await run_with_retries(
        deps.uow,
        lambda uow: record_repair_event(uow, deps.rules, command, deps.clock.now()),
        attempts=_RETRIES,
        retry_integrity=True,
    )
