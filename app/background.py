"""The long-running parts beside the web server: the chat channels, the outbox delivery loop and
the scheduler of the jobs.

They live here, not in the web app, so a worker role can run them without HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.bootstrap import Container
from scheduler.delivery import run_forever
from scheduler.outbound_webhooks import run_forever as run_webhooks_forever
from scheduler.runner import Scheduler
from webhooks.app import create_app

SHUTDOWN_GRACE_SECONDS = 15.0


@asynccontextmanager
async def running_parts(container: Container, *, scheduler: bool = True) -> AsyncIterator[None]:
    """Start the channels (webhook or polling), the delivery loop and (unless told not to) the
    scheduler; stop them on the way out."""
    stop = asyncio.Event()
    jobs = (
        Scheduler(container.jobs, container.settings.timezone, clock=container.clock) if scheduler else None
    )
    for runtime in container.channels.values():
        await runtime.start()
    delivery = container.delivery()
    task = asyncio.create_task(run_forever(delivery, stop=stop), name="outbox-delivery")
    webhooks = container.webhook_delivery()
    webhook_task = (
        asyncio.create_task(run_webhooks_forever(webhooks, stop=stop), name="repair-system-webhooks")
        if webhooks is not None
        else None
    )
    if jobs is not None:
        jobs.start()
    try:
        yield
    finally:
        if jobs is not None:
            jobs.stop()
        stop.set()
        # the round in flight finishes (its sends and their records) before the task is cancelled:
        # a send cut off mid-way would go again when its lease runs out
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), SHUTDOWN_GRACE_SECONDS)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if webhook_task is not None and webhooks is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(webhook_task), SHUTDOWN_GRACE_SECONDS)
            webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await webhook_task
            await webhooks.aclose()
        for runtime in container.channels.values():
            await runtime.stop()


def web_app(
    container: Container,
    *,
    background: bool = True,
    dispose_on_shutdown: bool = False,
    scheduler: bool = True,
) -> FastAPI:
    """The HTTP app, with the long-running parts in its lifespan unless `background=False` (tests
    drive them).

    `dispose_on_shutdown` closes the database pool inside the server's own shutdown: uvicorn
    re-raises SIGINT/SIGTERM after it, which would cancel a close attempted later.
    """

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if dispose_on_shutdown:
                stack.push_async_callback(container.aclose)
            if background:
                await stack.enter_async_context(running_parts(container, scheduler=scheduler))
            yield

    return create_app(container.web, lifespan=lifespan)
