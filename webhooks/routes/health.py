from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from webhooks.deps import ContainerDep

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    database: str


@router.get("/healthz", response_model=Health)
async def healthz(container: ContainerDep, response: Response) -> Health:
    """Liveness and database reachability, for load balancers."""
    try:
        async with container.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))
    except Exception:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="degraded", database="unreachable")
    return Health(status="ok", database="ok")
