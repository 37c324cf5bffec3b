"""Dependencies of the routes, as Annotated aliases."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header, Request

from app.bootstrap import Container


async def get_container(request: Request) -> Container:
    # async: a plain `def` dependency runs in the thread pool on every request (measured by
    # benchmarks/webhook_ingestion.py: ~40% of a webhook's CPU went to that round trip).
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


_ACTOR = re.compile(r"[^\w .@+-]")


def api_author(
    x_actor: Annotated[
        str | None,
        Header(
            max_length=60,
            description="Who at the desk made the call; recorded with ledger changes as `api:admin:<actor>`.",
        ),
    ] = None,
) -> str:
    """The author of ledger changes: the token holder, plus the clerk the desk names (X-Actor)."""
    actor = _ACTOR.sub("", _utf8(x_actor or "")).strip()
    return f"api:admin:{actor}" if actor else "api:admin"


def _utf8(header: str) -> str:
    """Starlette decodes header bytes as latin-1; a clerk's name sent as UTF-8 is recovered."""
    try:
        return header.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return header


AdminAuthor = Annotated[str, Depends(api_author)]
