"""The outbox's Telegram sender: one rendered message to one chat, results instead of exceptions."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from aiolimiter import AsyncLimiter

from bot.telegram.callbacks import FeedbackCb, QuoteCb
from domain.customers import Channel, ChannelIdentity
from domain.delivery import Delivered, Failed, MessageSender, RetryLater, SendResult, Unreachable
from domain.outbox import ANSWER_BUTTONS, FEEDBACK_BUTTONS, OutboxMessage

log = logging.getLogger(__name__)

# Telegram's broadcast limits: about 30 messages a second overall, one a second per chat.
GLOBAL_RATE = 30.0
PER_CHAT_RATE = 1.0
KEPT_CHAT_LIMITERS = 10_000


class TelegramSender(MessageSender):
    channel = Channel.TELEGRAM

    def __init__(
        self, bot: Bot, *, global_rate: float = GLOBAL_RATE, per_chat_rate: float = PER_CHAT_RATE
    ) -> None:
        self._bot = bot
        # One send per 1/rate seconds, no burst: a bucket of `rate` would let about twice the rate
        # through in its first second, and Telegram counts any second.
        self._global = AsyncLimiter(1, 1 / global_rate)
        self._per_chat_rate = per_chat_rate
        self._chats: OrderedDict[str, AsyncLimiter] = OrderedDict()
        self._paused_until = 0.0  # time.monotonic() before which Telegram asked us to keep quiet

    async def send(self, identity: ChannelIdentity, message: OutboxMessage, text: str) -> SendResult:
        try:
            chat_id = int(identity.external_id)
        except ValueError:
            return Failed(f"not a Telegram chat id: {identity.external_id!r}")
        if (paused := self._paused()) is not None:
            return paused
        async with self._chat_limiter(identity.external_id), self._global:
            # again: a 429 may have come back to another sender while this one waited its turn
            return self._paused() or await self._send(chat_id, text, _keyboard(message))

    def _paused(self) -> RetryLater | None:
        wait = self._paused_until - time.monotonic()
        return RetryLater(wait, "paused after Telegram's flood control", tried=False) if wait > 0 else None

    async def _send(self, chat_id: int, text: str, keyboard: InlineKeyboardMarkup | None) -> SendResult:
        try:
            sent = await self._bot.send_message(
                chat_id,
                text,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=keyboard,
            )
        except TelegramRetryAfter as exc:
            self._paused_until = max(self._paused_until, time.monotonic() + exc.retry_after)
            return RetryLater(float(exc.retry_after), f"429: retry after {exc.retry_after}s")
        except TelegramForbiddenError as exc:
            return Unreachable(f"403: {exc.message}")
        except TelegramBadRequest as exc:
            return Failed(f"400: {exc.message}")
        except (TelegramNetworkError, TelegramServerError) as exc:
            return Failed(f"{type(exc).__name__}: {exc.message}", retryable=True)
        except TelegramAPIError as exc:
            log.warning("Telegram refused a message: %s", type(exc).__name__)  # no chat id in the log
            return Failed(f"{type(exc).__name__}: {exc.message}", retryable=True)
        return Delivered(f"{chat_id}:{sent.message_id}")

    def _chat_limiter(self, chat: str) -> AsyncLimiter:
        limiter = self._chats.pop(chat, None) or AsyncLimiter(1, 1 / self._per_chat_rate)
        self._chats[chat] = limiter
        while len(self._chats) > KEPT_CHAT_LIMITERS:
            self._chats.popitem(last=False)
        return limiter


def _keyboard(message: OutboxMessage) -> InlineKeyboardMarkup | None:
    """A quote's answer buttons (delivery put them in `extra`), one a row; a feedback request's
    scores, in one row; None for other messages."""
    scores = message.extra.get(FEEDBACK_BUTTONS)
    if scores:
        row = [
            InlineKeyboardButton(text=label, callback_data=FeedbackCb(score=score, ref=scores["ref"]).pack())
            for score, label in scores["labels"].items()
        ]
        return InlineKeyboardMarkup(inline_keyboard=[row])
    buttons = message.extra.get(ANSWER_BUTTONS)
    if not buttons:
        return None
    rows = [
        [InlineKeyboardButton(text=label, callback_data=QuoteCb(answer=answer, ref=buttons["ref"]).pack())]
        for answer, label in buttons["labels"].items()
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)
