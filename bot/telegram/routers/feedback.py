"""Post-repair feedback in Telegram: the score buttons under "How did we do?", then the comment.

A button names a feedback request (FeedbackCb); the domain checks it against the presser's own
requests, so a forged or stale button (someone else's repair, a score of 9, a deleted request)
changes nothing and gets a polite answer. After a kept score the next text within
`feedback.comment_minutes` is the comment, unless it is a command (a screen command clears the
step, as it clears any dialogue step); a later text is an ordinary message.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import BaseFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.staff import StaffDesk
from bot.telegram.callbacks import FeedbackCb
from bot.telegram.filters import NotCommand, Registered
from bot.telegram.states import Feedback
from bot.telegram.texts import Texts
from domain.clock import Clock
from domain.customers import Channel, Customer
from domain.feedback import COMMENT_LIMIT, CommentOutcome, FeedbackOutcome
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.feedback import comment_on_repair, rate_repair

SKIP = "skip"
_REPLIES = {
    FeedbackOutcome.ALREADY_ANSWERED: "feedback_already_answered",
    FeedbackOutcome.EXPIRED: "feedback_expired",
    FeedbackOutcome.UNKNOWN: "feedback_unknown",
}


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class CommentOpen(BaseFilter):
    """The comment step is still open: past `comment_minutes` a text means what it says (a FAQ, a
    question), so the step never swallows a customer's later messages."""

    async def __call__(self, message: Message, state: FSMContext, clock: Clock) -> bool:
        until = (await state.get_data()).get("comment_until")
        return isinstance(until, str) and clock.now() < datetime.fromisoformat(until)


def _no_comment(texts: Texts, ref: str) -> InlineKeyboardMarkup:
    data = FeedbackCb(score=SKIP, ref=ref).pack()
    button = InlineKeyboardButton(text=texts.label("feedback_no_comment"), callback_data=data)
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


async def _drop_buttons(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):  # a message too old to edit keeps them, harmlessly
        with suppress(TelegramBadRequest):
            await query.message.edit_reply_markup(reply_markup=None)


async def scored(
    query: CallbackQuery,
    callback_data: FeedbackCb,
    bot: Bot,
    state: FSMContext,
    customer: Customer,
    texts: Texts,
    rules: ProgramRules,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    staff: StaffDesk | None = None,
) -> None:
    assert customer.id is not None
    if callback_data.score == SKIP:
        return await _skipped(query, callback_data, state, customer, texts, rules, uow, clock)
    feedback_id, score = _int(callback_data.ref), _int(callback_data.score)
    async with uow() as unit:
        result = await rate_repair(
            unit, rules.feedback, customer.id, feedback_id, score, Channel.TELEGRAM, clock.now()
        )
        await unit.commit()
    if result.outcome is not FeedbackOutcome.RECORDED:
        reply = texts.plain(_REPLIES[result.outcome], order_id=result.order_id, score=result.score)
        await query.answer(reply, show_alert=True)
        if result.outcome is not FeedbackOutcome.UNKNOWN:
            await _drop_buttons(query)
        return
    await query.answer()
    await _drop_buttons(query)
    if staff is not None and result.note is not None:  # after the commit, as a question is
        await staff.alert_feedback(result.note)
    await state.set_state(Feedback.comment)
    until = clock.now() + timedelta(minutes=rules.feedback.comment_minutes)
    await state.update_data(feedback_id=result.feedback_id, comment_until=until.isoformat())
    low = result.note is not None
    text = texts("feedback_thanks", score=result.score, low=low)
    await bot.send_message(query.from_user.id, text, reply_markup=_no_comment(texts, callback_data.ref))


async def _skipped(
    query: CallbackQuery,
    callback_data: FeedbackCb,
    state: FSMContext,
    customer: Customer,
    texts: Texts,
    rules: ProgramRules,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
) -> None:
    assert customer.id is not None
    async with uow() as unit:
        result = await comment_on_repair(
            unit, rules.feedback, customer.id, _int(callback_data.ref) or 0, "", Channel.TELEGRAM,
            clock.now(), skip=True,
        )  # fmt: skip
        await unit.commit()
    await state.clear()
    await _drop_buttons(query)
    if result.outcome is CommentOutcome.SKIPPED:
        await query.answer(texts.plain("feedback_comment_skipped"))
    else:
        await query.answer(texts.plain("feedback_unknown"), show_alert=True)


async def commented(
    message: Message,
    state: FSMContext,
    customer: Customer,
    texts: Texts,
    rules: ProgramRules,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    staff: StaffDesk | None = None,
) -> None:
    assert customer.id is not None
    feedback_id = (await state.get_data()).get("feedback_id")
    async with uow() as unit:
        result = await comment_on_repair(
            unit, rules.feedback, customer.id, int(feedback_id or 0), message.text or "",
            Channel.TELEGRAM, clock.now(),
        )  # fmt: skip
        await unit.commit()
    if result.outcome is CommentOutcome.TOO_LONG:  # the step stays: a shorter one is welcome
        await message.answer(texts("feedback_comment_too_long", limit=COMMENT_LIMIT))
        return
    await state.clear()
    if result.outcome is CommentOutcome.RECORDED:
        if staff is not None and result.note is not None:
            await staff.alert_feedback(result.note)
        await message.answer(texts("feedback_comment_thanks"))
    else:
        await message.answer(texts("feedback_comment_late"))


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered(), F.chat.type == "private")
    router.callback_query.filter(Registered())
    router.callback_query.register(scored, FeedbackCb.filter())
    router.message.register(commented, Feedback.comment, NotCommand(), F.text, CommentOpen())
    return router
