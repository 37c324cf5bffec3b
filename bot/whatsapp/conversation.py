"""One inbound WhatsApp message in, the reply text out: strangers register, members use the menu."""

from __future__ import annotations

import dataclasses
import logging
from datetime import timedelta
from urllib.parse import quote

from bot.deps import ChatDeps
from bot.screens import Screens
from bot.whatsapp.member import MAX_TEXT, Member
from bot.whatsapp.registration import Registrar
from bot.whatsapp.state import MESSAGE_BREAK, Inbound, Outcome, Say, dialogue_key
from domain.customers import Channel
from domain.errors import DomainError
from domain.services.inbound import note_inbound

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"


class Conversation:
    def __init__(self, deps: ChatDeps, *, key_secret: str, sender_number: str) -> None:
        self._c = deps
        self._secret = key_secret
        self._sender_digits = "".join(ch for ch in sender_number if ch.isdigit())
        self._screens = Screens(deps)
        self._registrar = Registrar(deps)
        self._member = Member(staff_available=deps.staff is not None, feedback=deps.rules.feedback)

    async def handle(self, msg: Inbound) -> str | None:
        """The reply to send, or None (a duplicate delivery of a message already answered)."""
        now = self._c.clock.now()
        key = dialogue_key(self._secret, msg.wa_id)
        async with self._c.uow() as uow:
            # Twilio retries a webhook it thinks failed; the MessageSid makes the retry harmless.
            if msg.message_sid and not await uow.events.claim(f"wa:{msg.message_sid}", CHANNEL, now):
                return None
            # every message (re)opens the 24-hour window for outbox messages
            sender = await note_inbound(uow, Channel.WHATSAPP, msg.wa_id, now, refresh_after=timedelta(0))
            customer = sender.customer if sender else None
            try:
                if customer is not None:
                    outcome = await self._member.handle(uow, key, msg, customer, now)
                else:
                    if len(msg.body) > MAX_TEXT:  # not worth parsing before there is an account
                        msg = dataclasses.replace(msg, body="")
                    outcome = await self._registrar.handle(uow, key, msg, now)
            except DomainError as exc:
                log.warning("WhatsApp message refused by the domain: %s", exc.code)
                locale = customer.locale if customer else self._c.default_locale
                return self._c.renderer.render("wa_error", locale, CHANNEL)
            await uow.commit()
        if outcome.question is not None:  # after the commit: the staff chat is not part of the turn
            passed_on = self._c.staff is not None and await self._c.staff.forward(outcome.question)
            outcome.replies = [Say("wa_question_sent" if passed_on else "wa_question_failed")]
        if outcome.quote_note is not None and self._c.staff is not None:
            await self._c.staff.note_quote_answer(outcome.quote_note)
        if outcome.feedback_note is not None and self._c.staff is not None:
            await self._c.staff.alert_feedback(outcome.feedback_note)
        return await self.render(outcome)

    async def render(self, outcome: Outcome) -> str:
        """All replies of one message in one text (the sender splits it under the size limit); a reply
        that must be a message of its own is set apart by MESSAGE_BREAK, which the runtime sends apart."""
        texts = []
        for reply in outcome.replies:
            if isinstance(reply, Say):
                text = self._c.renderer.render(reply.template, outcome.locale, CHANNEL, **reply.context)
                texts.append(f"{MESSAGE_BREAK}{text}{MESSAGE_BREAK}" if reply.alone else text)
                continue
            assert outcome.customer_id is not None
            texts.append(
                await self._screens.render(
                    reply.screen,
                    outcome.customer_id,
                    CHANNEL,
                    invite_link_for=lambda code: self.invite_link(code, outcome.locale),
                )
            )
        joined = "\n\n".join(t for t in texts if t)
        parts = (p.strip() for p in joined.split(MESSAGE_BREAK))
        return MESSAGE_BREAK.join(p for p in parts if p)

    def invite_link(self, code: str, locale: str) -> str:
        """wa.me link to the shop's sender with a pre-filled text that carries the inviter's code."""
        text = self._c.renderer.render("wa_invite_text", locale, "plain", code=code)
        return f"https://wa.me/{self._sender_digits}?text={quote(text, safe='')}"
