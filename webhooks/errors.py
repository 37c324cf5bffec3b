"""Domain errors -> HTTP errors, in one place: routes of the API use `DomainErrorRoute`."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from domain.data_requests import ReasonRequired
from domain.errors import (
    DomainError,
    IdempotencyKeyReused,
    InsufficientPoints,
    InvalidAmount,
    NotFound,
    StoreUnavailable,
)
from domain.redemptions import BillMismatch, BillShareExceeded, WrongCode
from webhooks.fields import minor_to_money

log = logging.getLogger(__name__)

# First match wins; anything else the domain refuses is a conflict with the current state.
STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404),
    (InvalidAmount, 422),
    (IdempotencyKeyReused, 422),
    (WrongCode, 422),
    (ReasonRequired, 422),
)
DEFAULT_STATUS = 409


def status_of(exc: DomainError) -> int:
    for kind, status in STATUS_BY_ERROR:
        if isinstance(exc, kind):
            return status
    return DEFAULT_STATUS


def error_body(exc: DomainError) -> dict[str, Any]:
    detail: dict[str, Any] = {"code": exc.code, "message": str(exc)}
    if isinstance(exc, InsufficientPoints):
        detail.update(requested=exc.requested, available=exc.available)
    elif isinstance(exc, BillShareExceeded):
        detail.update(requested=exc.requested, allowed=exc.allowed)
    elif isinstance(exc, WrongCode):
        detail.update(attempts_left=exc.attempts_left)
    elif isinstance(exc, BillMismatch):
        detail.update(amount=minor_to_money(exc.bill_minor))
    return {"detail": detail}


def domain_error_response(exc: DomainError) -> JSONResponse:
    return JSONResponse(error_body(exc), status_code=status_of(exc))


RETRY_AFTER_SECONDS = 5


async def unavailable_response(_request: Request, exc: Exception) -> Response:
    """The database is in trouble: 503 with Retry-After and one line, never a traceback."""
    assert isinstance(exc, StoreUnavailable)
    log.warning("database unavailable: %s", exc.reason)
    detail = {"code": "database_unavailable", "message": f"the database cannot serve now: {exc.reason}"}
    return JSONResponse(
        {"detail": detail}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


async def validation_error_response(_request: Request, exc: Exception) -> Response:
    """FastAPI's own 422, ASCII-escaped: an echoed lone surrogate cannot be sent as UTF-8."""
    assert isinstance(exc, RequestValidationError)
    body = json.dumps({"detail": jsonable_encoder(exc.errors())}, separators=(",", ":"))
    return Response(body, status_code=422, media_type="application/json")


class DomainErrorRoute(APIRoute):
    """A route whose domain errors become JSON errors with a stable `code`."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as exc:
                return domain_error_response(exc)

        return handle


_EXAMPLES: dict[int, tuple[str, Any]] = {
    400: ("A body that cannot be read at all (not UTF-8, not a form)", "There was an error parsing the body"),
    403: ("A signature that does not prove the sender", "invalid Twilio signature"),
    413: ("A body past the route's cap", "body larger than 65536 bytes"),
    415: ("A body not sent as application/json", "send the event as application/json"),
    401: ("Missing or wrong bearer token, or ADMIN_API_TOKEN unset on the server", "invalid bearer token"),
    404: ("Not found", {"code": "customer_not_found", "message": "customer 7 not found"}),
    409: (
        "Refused by the program rules or the current state",
        {"code": "insufficient_points", "message": "requested 500 points, 120 available"},
    ),
    503: (
        "The database cannot serve now; try again after Retry-After seconds",
        {"code": "database_unavailable", "message": "the database cannot serve now: ..."},
    ),
    422: (
        "Invalid input; the offending fields are named",
        [{"loc": ["body", "amount"], "msg": "a non-negative decimal string", "type": "value_error"}],
    ),
}


def error_responses(*statuses: int, **described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI descriptions of the error replies a route may give; `s404="..."` words one anew."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        description, example = _EXAMPLES[status]
        responses[status] = {
            "description": described.get(f"s{status}", description),
            "content": {"application/json": {"example": {"detail": example}}},
        }
    return responses


# What every route may answer whatever it does: the guard's 413 and the database's 503.
ANY_ROUTE = (413, 503)
