"""A member's conversation: the numbered menu and keywords, opt-out, language, account deletion."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.vocabulary import Action, Screen
from bot.whatsapp.feedback import feedback_turn
from bot.whatsapp.keywords import (
    command_of,
    is_cancel,
    is_yes,
    quote_answer_of,
    referral_code_in,
    wanted_locale,
)
from bot.whatsapp.state import Inbound, Outcome, Say, Show
from domain.customers import Channel, Customer
from domain.dialogue import Dialogue
from domain.feedback import FeedbackRules
from domain.ports import UnitOfWork
from domain.questions import ask_staff
from domain.quote_answers import AnswerOutcome, answer_latest_quote
from domain.services.privacy import delete_customer
from domain.services.registration import set_locale, set_marketing_consent
from messages.faq import faq_topic

CONFIRM_DELETE = "confirm_delete"
CONFIRM_TTL = timedelta(minutes=10)
QUESTION = "question"  # the next message is a question for the staff
QUESTION_TTL = timedelta(minutes=30)
MAX_TEXT = 1000  # longer than any command; a customer's essay gets a polite answer, not a parse


@dataclass
class Member:
    staff_available: bool = False  # STAFF_TELEGRAM_CHAT_ID and the Telegram bot are set up
    feedback: FeedbackRules = field(default_factory=FeedbackRules)

    async def handle(
        self, uow: UnitOfWork, key: str, msg: Inbound, customer: Customer, now: datetime
    ) -> Outcome:
        assert customer.id is not None
        locale, cid = customer.locale, customer.id
        repo = uow.dialogues
        command = command_of(msg.body)
        pending = await repo.get(key)
        if pending is not None:
            await repo.delete(key)
            if pending.step == CONFIRM_DELETE:
                if is_yes(msg.body) and now - pending.updated_at <= CONFIRM_TTL:
                    await delete_customer(uow, cid, now)
                    return Outcome([Say("wa_deleted")], locale)
                # anything but a timely yes keeps the account; a plain "cancel" must not also opt
                # out, but STOP is an opt-out wherever it is sent and must not wait for a second one
                if command is Action.UNSUBSCRIBE and not is_cancel(msg.body):
                    await set_marketing_consent(uow, cid, False, now, channel=Channel.WHATSAPP)
                    return Outcome([Say("wa_delete_cancelled"), Say("wa_unsubscribed")], locale, cid)
                return Outcome([Say("wa_delete_cancelled"), Show(Screen.MENU)], locale, cid)
            fresh = now - pending.updated_at <= QUESTION_TTL
            if pending.step == QUESTION and fresh and command is None and msg.body.strip():
                question = await ask_staff(uow, cid, Channel.WHATSAPP, msg.body[:MAX_TEXT])
                return Outcome([], locale, cid, question=question)
            # a command instead of a question (or a late one) is just that command
        if not msg.body.strip():
            template = "wa_media_only" if msg.num_media else "wa_not_understood"
            return Outcome([Say(template)], locale, cid)
        if len(msg.body) > MAX_TEXT:
            return Outcome([Say("wa_too_long")], locale, cid)
        answer = quote_answer_of(msg.body)
        if answer is not None:
            # with no order waiting with a quote, the words mean what they meant before
            answered = await answer_latest_quote(uow, cid, answer, Channel.WHATSAPP, now)
            if answered is not None:
                replies = _quote_replies(answered.outcome, answered.order_id)
                return Outcome(replies, locale, cid, quote_note=answered.note)
        turn = await feedback_turn(uow, self.feedback, cid, msg.body, command, now)
        if turn is not None:
            return Outcome(turn[0], locale, cid, feedback_note=turn[1])
        if isinstance(command, Screen):
            return Outcome([Show(command)], locale, cid)
        if command in (Action.UNSUBSCRIBE, Action.SUBSCRIBE):
            opt_in = command is Action.SUBSCRIBE
            await set_marketing_consent(uow, cid, opt_in, now, channel=Channel.WHATSAPP)
            return Outcome([Say("wa_subscribed" if opt_in else "wa_unsubscribed")], locale, cid)
        if command is Action.LANGUAGE:
            changed = await set_locale(uow, cid, wanted_locale(msg.body, locale))
            return Outcome([Say("wa_language_set"), Show(Screen.MENU)], changed.locale, cid)
        if command is Action.ASK:
            if not self.staff_available:
                return Outcome([Say("wa_question_unavailable")], locale, cid)
            await repo.save(Dialogue(key, QUESTION, locale, now))
            return Outcome([Say("wa_ask_question")], locale, cid)
        if command is Action.DELETE:
            await repo.save(Dialogue(key, CONFIRM_DELETE, locale, now))
            return Outcome([Say("wa_delete_confirm")], locale, cid)
        if referral_code_in(msg.body):
            return Outcome([Say("wa_already_member"), Show(Screen.MENU)], locale, cid)
        topic = faq_topic(msg.body)
        if topic is not None:
            return Outcome([Show(f"faq_{topic}")], locale, cid)
        return Outcome([Say("wa_not_understood")], locale, cid)


def _quote_replies(outcome: AnswerOutcome, order_id: str | None) -> list[Say | Show]:
    """A recorded answer is confirmed by the outbox (`quote_answered`); the rest is said at once."""
    if outcome is AnswerOutcome.RECORDED:
        return []
    template = "quote_already_answered" if outcome is AnswerOutcome.ALREADY_ANSWERED else "quote_not_waiting"
    return [Say(template, {"order_id": order_id})]
