"""Post-repair feedback use cases: ask once, rate once, comment once (domain/feedback.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.customers import Channel
from domain.feedback import (
    COMMENT_LIMIT,
    FEEDBACK_TEMPLATE,
    SCORES,
    CommentOutcome,
    DueRepair,
    FeedbackOutcome,
    FeedbackRequest,
    FeedbackRules,
    StaffFeedbackNote,
)
from domain.outbox import OutboxMessage, OutboxStatus
from domain.ports import UnitOfWork
from domain.repairs import RepairStatus


@dataclass(frozen=True)
class RatingResult:
    outcome: FeedbackOutcome
    order_id: str | None = None
    score: int | None = None  # the one kept: this one, or the earlier one when already answered
    feedback_id: int | None = None
    note: StaffFeedbackNote | None = None  # a low score, for the staff chat once committed


@dataclass(frozen=True)
class CommentResult:
    outcome: CommentOutcome
    order_id: str | None = None
    note: StaffFeedbackNote | None = None  # the comment that follows a low score's alert


def feedback_message_key(order_id: str) -> str:
    return f"feedback:{order_id}"


async def ask_for_feedback(
    uow: UnitOfWork, rules: FeedbackRules, due: DueRepair, *, now: datetime, send_at: datetime
) -> bool:
    """Make the repair's request and queue its message, due at `send_at`; False when it was asked
    already, or is no longer to ask (cancelled since, the customer deleted)."""
    repair = await uow.repairs.by_order(due.order_id)
    if repair is None or repair.status is not RepairStatus.COMPLETED or repair.customer_id != due.customer_id:
        return False
    customer = await uow.customers.get(due.customer_id)
    if customer is None or customer.is_deleted:
        return False
    request = FeedbackRequest(
        order_id=repair.order_id,
        customer_id=due.customer_id,
        asked_at=send_at,
        expires_at=send_at + timedelta(days=rules.open_days),
    )
    if not await uow.feedback.ask(request):
        return False
    await uow.outbox.add(
        OutboxMessage(
            customer_id=due.customer_id,
            template=FEEDBACK_TEMPLATE,
            context={
                "feedback_id": request.id,
                "order_id": repair.order_id,
                "device_category": repair.device_category.value,
                "device": " ".join(p for p in (repair.device_brand, repair.device_model) if p),
                "open_until": request.expires_at.isoformat(),
            },
            dedupe_key=feedback_message_key(repair.order_id),
            created_at=now,
            next_attempt_at=send_at,
        )
    )
    return True


async def rate_repair(
    uow: UnitOfWork,
    rules: FeedbackRules,
    customer_id: int,
    feedback_id: int | None,
    score: int | None,
    channel: Channel,
    now: datetime,
) -> RatingResult:
    """A score for the request a button names, checked against the customer's own requests."""
    request = await uow.feedback.get(feedback_id) if feedback_id is not None else None
    if request is None or request.customer_id != customer_id or score is None or score not in SCORES:
        return RatingResult(FeedbackOutcome.UNKNOWN)
    return await _rate(uow, rules, request, score, channel, now)


async def rate_latest(
    uow: UnitOfWork, rules: FeedbackRules, customer_id: int, score: int, channel: Channel, now: datetime
) -> RatingResult | None:
    """A bare digit 1-5 (WhatsApp): the score of the customer's open request, or a repeat while its
    comment is awaited; None when neither (the digit keeps its menu meaning)."""
    request = await uow.feedback.latest_of_customer(customer_id)
    if request is None or score not in SCORES:
        return None
    if request.awaits_comment(now, rules):
        return await _rate(uow, rules, request, score, channel, now)
    if request.is_open(now) and await _asked_on(uow, request, channel, now):
        return await _rate(uow, rules, request, score, channel, now)
    return None


async def _asked_on(uow: UnitOfWork, request: FeedbackRequest, channel: Channel, now: datetime) -> bool:
    """Whether the question reached the customer in this channel: a digit answers only a question the
    customer saw there (one skipped outside WhatsApp's window, still queued, or sent to Telegram,
    leaves the digits to the menu)."""
    if request.asked_at > now:
        return False
    asked = await uow.outbox.by_dedupe_key(feedback_message_key(request.order_id))
    return asked is not None and asked.status is OutboxStatus.SENT and asked.channel == channel.value


async def _rate(
    uow: UnitOfWork,
    rules: FeedbackRules,
    request: FeedbackRequest,
    score: int,
    channel: Channel,
    now: datetime,
) -> RatingResult:
    assert request.id is not None
    order_id = request.order_id
    if request.score is not None:
        return RatingResult(FeedbackOutcome.ALREADY_ANSWERED, order_id, request.score, request.id)
    if now >= request.expires_at:
        return RatingResult(FeedbackOutcome.EXPIRED, order_id, None, request.id)
    if not await uow.feedback.answer(request.id, score, channel, now):  # a concurrent answer won
        earlier = await uow.feedback.get(request.id)
        return RatingResult(
            FeedbackOutcome.ALREADY_ANSWERED, order_id, earlier.score if earlier else None, request.id
        )
    note = None
    if score <= rules.alert_at_or_below:
        note = await _note(uow, request, score, None, channel, follow_up=False)
    return RatingResult(FeedbackOutcome.RECORDED, order_id, score, request.id, note)


async def comment_on_repair(
    uow: UnitOfWork,
    rules: FeedbackRules,
    customer_id: int,
    feedback_id: int | None,
    text: str,
    channel: Channel,
    now: datetime,
    *,
    skip: bool = False,
) -> CommentResult:
    """The comment after a score (`feedback_id` from the dialogue, else the latest request), or
    its skipping; kept once, and only while the comment step is open."""
    if feedback_id is not None:
        request = await uow.feedback.get(feedback_id)
    else:
        request = await uow.feedback.latest_of_customer(customer_id)
    if request is None or request.customer_id != customer_id or not request.awaits_comment(now, rules):
        return CommentResult(CommentOutcome.NOT_WAITING)
    assert request.id is not None and request.score is not None
    comment = None if skip else text.strip()
    if comment is not None and len(comment) > COMMENT_LIMIT:
        return CommentResult(CommentOutcome.TOO_LONG, request.order_id)
    if not comment:
        comment = None
    if not await uow.feedback.close_comment(request.id, comment, now):
        return CommentResult(CommentOutcome.NOT_WAITING, request.order_id)
    if comment is None:
        return CommentResult(CommentOutcome.SKIPPED, request.order_id)
    note = None
    if request.score <= rules.alert_at_or_below:
        note = await _note(uow, request, request.score, comment, channel, follow_up=True)
    return CommentResult(CommentOutcome.RECORDED, request.order_id, note)


async def leave_comment_step(uow: UnitOfWork, customer_id: int, now: datetime) -> None:
    """A command instead of a comment: the step ends with no comment, the command keeps its meaning."""
    request = await uow.feedback.latest_of_customer(customer_id)
    if request is not None and request.id is not None and request.score is not None:
        await uow.feedback.close_comment(request.id, None, now)  # a no-op when it had ended


async def _note(
    uow: UnitOfWork,
    request: FeedbackRequest,
    score: int,
    comment: str | None,
    channel: Channel,
    *,
    follow_up: bool,
) -> StaffFeedbackNote:
    repair = await uow.repairs.by_order(request.order_id)
    customer = await uow.customers.get(request.customer_id) if request.customer_id is not None else None
    return StaffFeedbackNote(
        order_id=request.order_id,
        device_category=repair.device_category.value if repair else "other",
        device=" ".join(p for p in (repair.device_brand, repair.device_model) if p) if repair else "",
        score=score,
        comment=comment,
        channel=channel,
        phone=customer.phone if customer else None,
        follow_up=follow_up,
    )
