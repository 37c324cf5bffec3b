"""The application factory: every router, the channels' lifecycles and the outbox delivery loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from app.bootstrap import Container
from bot.telegram import webhook as telegram_webhook
from bot.whatsapp import webhook as whatsapp_webhook
from scheduler.delivery import Delivery, run_forever
from webhooks import api
from webhooks.errors import validation_error_response
from webhooks.routes import health, metrics, repairs

log = logging.getLogger("loyalty")


def create_app(
    container: Container, *, background: bool = True, dispose_on_shutdown: bool = False
) -> FastAPI:
    """`background=False` leaves the channels and the delivery loop stopped (tests drive them).

    `dispose_on_shutdown` closes the database pool inside the server's own shutdown: uvicorn
    re-raises SIGINT/SIGTERM after it, which would cancel a close attempted later.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks: list[asyncio.Task[None]] = []
        if background:
            for runtime in container.channels.values():
                await runtime.start()
            delivery = Delivery(container.uow, container.senders, container.renderer, container.clock)
            tasks.append(asyncio.create_task(run_forever(delivery, stop=stop), name="outbox-delivery"))
        try:
            yield
        finally:
            stop.set()
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if background:
                for runtime in container.channels.values():
                    await runtime.stop()
            if dispose_on_shutdown:
                await container.aclose()

    app = FastAPI(
        title="Repair-shop loyalty program",
        version="0.1.0",
        description="Signed repair-system events, the marketer and desk API, and the chat webhooks.",
        lifespan=lifespan,
    )
    app.state.container = container
    app.add_exception_handler(RequestValidationError, validation_error_response)
    for router in (
        health.router,
        metrics.router,
        repairs.router,
        api.router,
        telegram_webhook.router,
        whatsapp_webhook.router,
    ):
        app.include_router(router)
    return app
