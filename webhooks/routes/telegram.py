"""POST /telegram/webhook: Telegram's updates, checked by the secret it echoes, each processed once."""

from __future__ import annotations

import logging
import secrets
from typing import Annotated

from aiogram.types import Update
from fastapi import APIRouter, Header, HTTPException, Request, status
from pydantic import BaseModel, ValidationError

from webhooks.bodies import read_limited_body
from webhooks.deps import Deps
from webhooks.errors import error_responses

log = logging.getLogger(__name__)
router = APIRouter(tags=["telegram"])
MAX_UPDATE_BYTES = 1024 * 1024  # an update carries text and file ids, never the files themselves


class WebhookAck(BaseModel):
    ok: bool = True
    duplicate: bool = False


@router.post(
    "/telegram/webhook",
    response_model=WebhookAck,
    responses=error_responses(
        401,
        404,
        409,
        413,
        422,
        503,
        s401="Missing or wrong X-Telegram-Bot-Api-Secret-Token",
        s404="The bot is not in webhook mode on this server",
        s409="The same update is being handled right now; Telegram sends it again later",
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "object", "description": "A Telegram Update object"}}
            },
        }
    },
)
async def telegram_webhook(
    request: Request,
    deps: Deps,
    secret: Annotated[str | None, Header(alias="X-Telegram-Bot-Api-Secret-Token")] = None,
) -> WebhookAck:
    """Receive one Telegram update (webhook mode only)."""
    runtime = deps.telegram
    if runtime is None or not runtime.webhook or runtime.webhook_secret is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the Telegram bot is not in webhook mode")
    if secret is None or not secrets.compare_digest(secret.encode(), runtime.webhook_secret.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "bad or missing secret token")
    body = await read_limited_body(request, MAX_UPDATE_BYTES)  # only once the sender is known
    try:
        update = Update.model_validate_json(body, context={"bot": runtime.bot})
    except ValidationError as exc:
        raise HTTPException(422, "not a Telegram update") from exc
    # Marked handled only once it was: an update in flight when the process died gets no 200, so
    # Telegram sends it again, and it is handled then (at least once; twice only when the process
    # dies between the answer and the mark). The in-flight guard is this process's: Telegram sends
    # one bot's updates to one URL, so replicas see a resend only after the first one's timeout.
    key = f"telegram:{update.update_id}"
    async with deps.uow() as uow:
        if await uow.events.seen(key):
            return WebhookAck(duplicate=True)
    if update.update_id in runtime.in_flight:
        raise HTTPException(status.HTTP_409_CONFLICT, "this update is being handled; send it again later")
    runtime.in_flight.add(update.update_id)
    try:
        await runtime.dispatcher.feed_update(runtime.bot, update)
        async with deps.uow() as uow:
            fresh = await uow.events.claim(key, "telegram", deps.clock.now())
            await uow.commit()
    finally:
        # only once the mark is committed: a resend meanwhile gets 409, not a second handling
        runtime.in_flight.discard(update.update_id)
    return WebhookAck(duplicate=not fresh)
