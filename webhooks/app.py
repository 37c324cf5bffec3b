"""The application factory: every router over the parts the composition root hands in."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from domain.errors import StoreUnavailable
from webhooks import api
from webhooks.admin.routes import mount_admin
from webhooks.deps import WebDeps
from webhooks.errors import unavailable_response, validation_error_response
from webhooks.guard import Guard
from webhooks.routes import health, metrics, privacy, repairs, telegram, whatsapp
from webhooks.routes.docs import mount_docs

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(deps: WebDeps, *, lifespan: Lifespan | None = None) -> FastAPI:
    """`lifespan` is what runs beside the server (app/ decides: channels, delivery, closing the pool)."""
    app = FastAPI(
        title="Repair-shop loyalty program",
        version="0.1.0",
        description="Signed repair-system events, the marketer and desk API, and the chat webhooks.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    mount_docs(app)
    app.state.deps = deps
    app.add_exception_handler(RequestValidationError, validation_error_response)
    app.add_exception_handler(StoreUnavailable, unavailable_response)
    for router in (
        health.router,
        metrics.router,
        repairs.router,
        api.router,
        telegram.router,
        whatsapp.router,
        privacy.router,
    ):
        app.include_router(router)
    mount_admin(app)
    app.add_middleware(Guard, api_token=deps.admin_api_token)
    return app
