"""POST /whatsapp/webhook (inbound messages) and /whatsapp/status (delivery callbacks), signed by Twilio."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, Response
from pydantic import BaseModel
from starlette.datastructures import ImmutableMultiDict

from bot.whatsapp.runtime import WhatsAppRuntime
from bot.whatsapp.sender import is_unreachable
from bot.whatsapp.state import Inbound
from domain.customers import Channel
from domain.services.delivery_status import record_delivery_status
from webhooks.bodies import read_limited_body
from webhooks.deps import Deps
from webhooks.errors import error_responses

router = APIRouter(prefix="/whatsapp", tags=["whatsapp"])

MAX_REQUEST_BYTES = 64 * 1024  # a WhatsApp message is at most a few KB of form fields
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
Form = ImmutableMultiDict[str, str]
MAX_NAME = 200
_WA_ID = re.compile(r"[0-9]{7,15}")
_ERROR_CODE = re.compile(r"[0-9]{1,6}")  # Twilio's codes have five digits; anything else is unknown
_NUM_MEDIA = re.compile(r"[0-9]{1,2}")  # Twilio allows at most 10 media per message
_LINE_BREAKS = frozenset("\n\r\t")
_SID = re.compile(r"[A-Za-z0-9]{1,64}")  # e.g. SM + 32 hex digits
_STATUS = re.compile(r"[a-z_-]{1,32}")  # the column keeps 16 (partially_delivered)


class StatusAck(BaseModel):
    status: Literal["recorded", "stale"]


async def _runtime(deps: Deps) -> WhatsAppRuntime:
    if deps.whatsapp is None:
        raise HTTPException(404, "WhatsApp is off")
    return deps.whatsapp


async def signed_form(request: Request, runtime: Annotated[WhatsAppRuntime, Depends(_runtime)]) -> Form:
    """The form fields, once X-Twilio-Signature proves Twilio sent them; 403 before anything is read."""
    body = await read_limited_body(request, MAX_REQUEST_BYTES)
    form: Form = ImmutableMultiDict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    signature = request.headers.get("X-Twilio-Signature")
    if not runtime.is_signed(request.url.path, request.url.query, form, signature):
        raise HTTPException(403, "invalid Twilio signature")
    if form.get("AccountSid", runtime.account_sid) != runtime.account_sid:
        raise HTTPException(403, "another Twilio account")
    return form


RuntimeDep = Annotated[WhatsAppRuntime, Depends(_runtime)]
FormDep = Annotated[Form, Depends(signed_form)]


def _clean_body(text: str) -> str:
    """Control characters (NUL above all: PostgreSQL refuses it in text) go; line breaks stay."""
    return "".join(ch for ch in text if ch in _LINE_BREAKS or unicodedata.category(ch) != "Cc")


def _clean_name(name: str) -> str | None:
    """A display name on one line: control, format, private-use and unassigned characters go."""
    kept = "".join(
        " " if ch.isspace() else "" if unicodedata.category(ch).startswith("C") else ch for ch in name
    )
    return " ".join(kept.split())[:MAX_NAME] or None


def _inbound(form: Form) -> Inbound:
    wa_id = form.get("WaId") or form.get("From", "").removeprefix("whatsapp:").lstrip("+")
    if not _WA_ID.fullmatch(wa_id):
        raise HTTPException(400, "no WhatsApp sender (WaId/From) in the request")
    media = form.get("NumMedia", "0")
    return Inbound(
        wa_id=wa_id,
        # a tapped quick-reply button of a template (e.g. "STOP") arrives as ButtonText
        body=_clean_body(form.get("Body") or form.get("ButtonText", "")),
        profile_name=_clean_name(form.get("ProfileName", "")),
        num_media=int(media) if _NUM_MEDIA.fullmatch(media) else 0,
        message_sid=_sid(form.get("MessageSid") or form.get("SmsMessageSid") or ""),
    )


def _sid(value: str) -> str | None:
    return value if _SID.fullmatch(value) else None


CHANNEL_ERRORS = error_responses(
    400, 403, 404, 413, 422, 503, s404="WhatsApp is off on this server (the Twilio settings are not set)"
)


@router.post(
    "/webhook",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}, **CHANNEL_ERRORS},
)
async def inbound_message(runtime: RuntimeDep, form: FormDep, background: BackgroundTasks) -> Response:
    """An inbound WhatsApp message; the answer goes out through the REST API after this returns."""
    message = _inbound(form)
    reply = await runtime.conversation.handle(message)
    if reply:
        background.add_task(runtime.reply, message.wa_id, reply)
    return Response(EMPTY_TWIML, media_type="application/xml")


@router.post("/status", response_model=StatusAck, responses=CHANNEL_ERRORS)
async def delivery_status(deps: Deps, form: FormDep) -> StatusAck:
    """A delivery status callback: recorded for the message, failures onto its outbox row."""
    sid, status = _sid(form.get("MessageSid", "")), form.get("MessageStatus", "").lower()
    if not sid or not _STATUS.fullmatch(status):
        raise HTTPException(422, "MessageSid and MessageStatus are required")
    code = form.get("ErrorCode", "")
    error_code = int(code) if _ERROR_CODE.fullmatch(code) else None
    async with deps.uow() as uow:
        fresh = await record_delivery_status(
            uow,
            Channel.WHATSAPP,
            sid,
            status[:16],
            error_code,
            deps.clock.now(),
            provider="twilio",
            unreachable=is_unreachable(error_code),
        )
        await uow.commit()
    return StatusAck(status="recorded" if fresh else "stale")
