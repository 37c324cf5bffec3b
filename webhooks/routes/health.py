from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from webhooks.deps import Deps

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/healthz", response_model=Health)
async def healthz(deps: Deps, response: Response) -> Health:
    """Liveness and database reachability, for load balancers."""
    try:
        await deps.ping_database()
    except Exception:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="degraded", database="unreachable")
    return Health(status="ok", database="ok")
