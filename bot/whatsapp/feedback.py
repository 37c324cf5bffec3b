"""Post-repair feedback in WhatsApp: a bare digit 1-5 is a score, the next text its comment.

The numbered menu uses the digits too (keywords.NUMBERS), so a bare 1-5 is a score only while the
customer has a feedback request open (asked, not answered, not expired; the request says so); at
any other time the digits keep meaning the menu. While the comment is awaited, a digit is a
repeated score (answered politely, nothing changes), "skip" skips, any command (a menu word, a
number 0 or 6-10) ends the step and does what it says, and any other text is the comment.
"""

from __future__ import annotations

from datetime import datetime

from bot.whatsapp.keywords import Command, is_skip, normalise
from bot.whatsapp.state import Reply, Say
from domain.customers import Channel
from domain.feedback import COMMENT_LIMIT, CommentOutcome, FeedbackOutcome, FeedbackRules, StaffFeedbackNote
from domain.ports import UnitOfWork
from domain.services.feedback import comment_on_repair, leave_comment_step, rate_latest

DIGITS = frozenset({"1", "2", "3", "4", "5"})
_REPLIES = {
    FeedbackOutcome.ALREADY_ANSWERED: "feedback_already_answered",
    FeedbackOutcome.EXPIRED: "feedback_expired",
    FeedbackOutcome.UNKNOWN: "feedback_unknown",
}

Turn = tuple[list[Reply], StaffFeedbackNote | None]


async def feedback_turn(
    uow: UnitOfWork,
    rules: FeedbackRules,
    customer_id: int,
    body: str,
    command: Command | None,
    now: datetime,
) -> Turn | None:
    """The replies when the message is a score or a comment; None when it means something else."""
    words = normalise(body)
    if words in DIGITS:
        rated = await rate_latest(uow, rules, customer_id, int(words), Channel.WHATSAPP, now)
        if rated is None:
            return None
        if rated.outcome is FeedbackOutcome.RECORDED:
            low = rated.note is not None
            return [Say("feedback_thanks", {"score": rated.score, "low": low})], rated.note
        context = {"order_id": rated.order_id, "score": rated.score}
        return [Say(_REPLIES[rated.outcome], context)], None
    latest = await uow.feedback.latest_of_customer(customer_id)
    if latest is None or not latest.awaits_comment(now, rules):
        return None
    if command is not None:  # a command instead of a comment keeps its meaning
        await leave_comment_step(uow, customer_id, now)
        return None
    result = await comment_on_repair(
        uow, rules, customer_id, latest.id, body, Channel.WHATSAPP, now, skip=is_skip(body)
    )
    if result.outcome is CommentOutcome.RECORDED:
        return [Say("feedback_comment_thanks")], result.note
    if result.outcome is CommentOutcome.SKIPPED:
        return [Say("feedback_comment_skipped")], None
    if result.outcome is CommentOutcome.TOO_LONG:
        return [Say("feedback_comment_too_long", {"limit": COMMENT_LIMIT})], None
    return None
