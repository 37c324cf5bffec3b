"""The application factory. Routers of later features plug in here."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.bootstrap import Container
from webhooks.routes import health, metrics

Hook = Callable[[Container], Awaitable[None]]


def create_app(
    container: Container,
    *,
    on_startup: list[Hook] | None = None,
    on_shutdown: list[Hook] | None = None,
) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        for hook in on_startup or []:
            await hook(container)
        try:
            yield
        finally:
            for hook in on_shutdown or []:
                await hook(container)

    app = FastAPI(
        title="Repair-shop loyalty program",
        version="0.1.0",
        description="Signed repair-system events, the marketer and desk API, and the chat webhooks.",
        lifespan=lifespan,
    )
    app.state.container = container
    app.include_router(health.router)
    app.include_router(metrics.router)
    return app
