from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from webhooks.deps import Deps

router = APIRouter(tags=["operations"])
log = logging.getLogger(__name__)
# Well inside a load balancer's own health-check timeout: a database that takes longer is sick.
PROBE_TIMEOUT = 2.0


class Health(BaseModel):
    status: str
    database: str


async def healthz(deps: Deps, response: Response) -> Health:
    """Liveness and whether the database takes a write (a probe row, rolled back), for load balancers."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            await deps.ping_database()
    except TimeoutError:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = "5"
        return Health(status="degraded", database="timeout")
    except Exception as exc:
        log.warning("healthz: the database refused the write probe: %s", exc.__class__.__name__)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = "5"
        return Health(status="degraded", database="unwritable")
    return Health(status="ok", database="ok")


# GET first: a request with another method is answered 405 with `Allow: GET` (what OpenAPI shows);
# HEAD answers as GET does, for load balancers that probe with it.
router.get(
    "/healthz",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database does not take a write in time"}},
)(healthz)
router.head("/healthz", response_model=Health, include_in_schema=False)(healthz)
