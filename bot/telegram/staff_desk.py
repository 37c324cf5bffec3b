"""The StaffDesk on Telegram: a question's card in the staff chat (STAFF_TELEGRAM_CHAT_ID)."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

from bot.phones import mask_phone
from bot.staff import question_ref
from domain.feedback import StaffFeedbackNote
from domain.questions import StaffQuestion
from domain.quote_answers import StaffQuoteNote
from domain.rules import ProgramRules
from messages import Renderer

log = logging.getLogger(__name__)


class TelegramStaffDesk:
    """Cards are written in the shop's default language: the staff's, not the customer's."""

    def __init__(
        self, bot: Bot, chat_id: int, renderer: Renderer, rules: ProgramRules, secret: str, locale: str
    ) -> None:
        self._bot, self._chat_id, self._renderer = bot, chat_id, renderer
        self._rules, self._secret, self._locale = rules, secret, locale

    async def forward(self, question: StaffQuestion) -> bool:
        text = self._renderer.render(
            "staff_question",
            self._locale,
            "telegram",
            question=question,
            phone=mask_phone(question.phone) if question.phone else None,
            tier_name=self._rules.tier(question.tier_key).name(self._locale),
            ref=question_ref(self._secret, question.customer_id, question.channel),
        )
        try:
            await self._bot.send_message(self._chat_id, text)
        except TelegramAPIError as exc:
            log.warning("staff chat: a question could not be passed on: %s", exc)
            return False
        return True

    async def note_quote_answer(self, note: StaffQuoteNote) -> bool:
        return await self._note("staff_quote_answer", note, "the answer to quote of", note.phone)

    async def alert_feedback(self, note: StaffFeedbackNote) -> bool:
        return await self._note("staff_feedback", note, "the low score of", note.phone)

    async def _note(
        self, template: str, note: StaffQuoteNote | StaffFeedbackNote, what: str, phone: str | None
    ) -> bool:
        """A note about an order to the staff chat, with the customer's phone masked; False if it failed."""
        text = self._renderer.render(
            template, self._locale, "telegram", note=note, phone=mask_phone(phone) if phone else None
        )
        try:
            await self._bot.send_message(self._chat_id, text)
        except TelegramAPIError as exc:
            log.warning("staff chat: %s %s could not be passed on: %s", what, note.order_id, exc)
            return False
        return True
