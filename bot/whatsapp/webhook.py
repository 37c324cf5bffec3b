"""POST /whatsapp/webhook (inbound messages) and /whatsapp/status (delivery callbacks), signed by Twilio."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, Response
from pydantic import BaseModel
from starlette.datastructures import ImmutableMultiDict

from bot.whatsapp.runtime import WhatsAppRuntime
from bot.whatsapp.state import Inbound
from bot.whatsapp.status import record_status
from domain.customers import Channel
from webhooks.bodies import read_limited_body

router = APIRouter(prefix="/whatsapp", tags=["whatsapp"])

MAX_REQUEST_BYTES = 64 * 1024  # a WhatsApp message is at most a few KB of form fields
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
Form = ImmutableMultiDict[str, str]


class StatusAck(BaseModel):
    status: Literal["recorded", "stale"]


def _runtime(request: Request) -> WhatsAppRuntime:
    runtime = request.app.state.container.channels.get(Channel.WHATSAPP)
    if not isinstance(runtime, WhatsAppRuntime):
        raise HTTPException(404, "WhatsApp is off")
    return runtime


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


def _inbound(form: Form) -> Inbound:
    wa_id = form.get("WaId") or form.get("From", "").removeprefix("whatsapp:").lstrip("+")
    if not wa_id.isdigit() or not 7 <= len(wa_id) <= 15:
        raise HTTPException(400, "no WhatsApp sender (WaId/From) in the request")
    media = form.get("NumMedia", "0")
    return Inbound(
        wa_id=wa_id,
        # a tapped quick-reply button of a template (e.g. "STOP") arrives as ButtonText
        body=form.get("Body") or form.get("ButtonText", ""),
        profile_name=form.get("ProfileName") or None,
        num_media=int(media) if media.isdigit() else 0,
        message_sid=form.get("MessageSid") or form.get("SmsMessageSid") or None,
    )


@router.post("/webhook", response_class=Response, responses={200: {"content": {"application/xml": {}}}})
async def inbound_message(runtime: RuntimeDep, form: FormDep, background: BackgroundTasks) -> Response:
    """An inbound WhatsApp message; the answer goes out through the REST API after this returns."""
    message = _inbound(form)
    reply = await runtime.conversation.handle(message)
    if reply:
        background.add_task(runtime.reply, message.wa_id, reply)
    return Response(EMPTY_TWIML, media_type="application/xml")


@router.post("/status", response_model=StatusAck)
async def delivery_status(runtime: RuntimeDep, form: FormDep) -> StatusAck:
    """A delivery status callback: recorded for the message, failures onto its outbox row."""
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "").lower()
    if not sid or not status:
        raise HTTPException(422, "MessageSid and MessageStatus are required")
    code = form.get("ErrorCode", "")
    error_code = int(code) if code.isdigit() else None
    fresh = await record_status(runtime.uow, sid[:64], status[:16], error_code, runtime.clock.now())
    return StatusAck(status="recorded" if fresh else "stale")
