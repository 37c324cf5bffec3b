"""A customer's answer to a repair quote: approve, decline, or ask for a call, recorded once.

An answer names one quote of one order (`quote_ref`: the order and the quote's fingerprint) and is
checked against the answering customer's own orders only: a reference to another customer's order,
to a quote since revised, or to nothing at all changes nothing. An order no longer waiting for
approval keeps its answer as it was. The answer is kept once per (order, quote): a second one,
even a different one, is told it was already received.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.customers import Channel
from domain.events import QuoteAnswered
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.quotes import Answer, QuoteAnswerRecord
from domain.repairs import Repair, RepairStatus, quote_fingerprint


class AnswerOutcome(StrEnum):
    RECORDED = "recorded"
    ALREADY_ANSWERED = "already_answered"  # this quote of this order has its answer
    NOT_WAITING = "not_waiting"  # the order has moved on (or its quote was revised)
    UNKNOWN = "unknown"  # no such quote among the customer's own orders


@dataclass(frozen=True)
class StaffQuoteNote:
    """What the staff chat is told of a kept answer (the edge masks the phone)."""

    order_id: str
    device_category: str
    device: str
    quote_amount_minor: int
    quote_text: str | None
    answer: Answer
    channel: Channel
    phone: str | None


@dataclass(frozen=True)
class AnswerResult:
    outcome: AnswerOutcome
    order_id: str | None = None
    answer: Answer | None = None  # the one recorded: this one, or the earlier one when already answered
    note: StaffQuoteNote | None = None  # for the staff chat, once the answer is committed


def quote_ref(order_id: str, amount_minor: int, text: str | None) -> str:
    """A short name of one quote of one order, for a button (Telegram's callback data is 64 bytes)."""
    fingerprint = quote_fingerprint(amount_minor, text)
    return hashlib.sha256(f"{order_id}\x00{fingerprint}".encode()).hexdigest()[:20]


def _ref_of(repair: Repair) -> str | None:
    if repair.quote_amount_minor is None:
        return None
    return quote_ref(repair.order_id, repair.quote_amount_minor, repair.quote_text)


def _waiting(repair: Repair) -> bool:
    return repair.status is RepairStatus.WAITING_APPROVAL and repair.quote_amount_minor is not None


async def answer_quote(
    uow: UnitOfWork, customer_id: int, ref: str, answer: Answer, channel: Channel, now: datetime
) -> AnswerResult:
    """The answer a button names (`ref` from `quote_ref`), checked against the customer's orders."""
    for repair in await uow.repairs.of_customer(customer_id):
        if _ref_of(repair) == ref:
            return await _answer(uow, customer_id, repair, answer, channel, now)
    return AnswerResult(AnswerOutcome.UNKNOWN)


async def answer_latest_quote(
    uow: UnitOfWork, customer_id: int, answer: Answer, channel: Channel, now: datetime
) -> AnswerResult | None:
    """The answer to the customer's latest order waiting with a quote; None when none is waiting."""
    waiting = [r for r in await uow.repairs.of_customer(customer_id) if _waiting(r)]
    if not waiting:
        return None
    latest = max(waiting, key=lambda r: (r.status_at or r.created_at, r.id or 0))
    return await _answer(uow, customer_id, latest, answer, channel, now)


async def _answer(
    uow: UnitOfWork, customer_id: int, repair: Repair, answer: Answer, channel: Channel, now: datetime
) -> AnswerResult:
    assert repair.quote_amount_minor is not None
    fingerprint = quote_fingerprint(repair.quote_amount_minor, repair.quote_text)
    earlier = await uow.quote_answers.get(repair.order_id, fingerprint)
    if earlier is not None:
        return AnswerResult(AnswerOutcome.ALREADY_ANSWERED, repair.order_id, earlier.answer)
    if not _waiting(repair):
        return AnswerResult(AnswerOutcome.NOT_WAITING, repair.order_id)
    record = QuoteAnswerRecord(repair.order_id, fingerprint, customer_id, answer, channel, now)
    if not await uow.quote_answers.add(record):  # a concurrent answer got there first
        earlier = await uow.quote_answers.get(repair.order_id, fingerprint)
        return AnswerResult(
            AnswerOutcome.ALREADY_ANSWERED, repair.order_id, earlier.answer if earlier else None
        )
    await uow.record(
        QuoteAnswered(
            at=now,
            customer_id=customer_id,
            order_id=repair.order_id,
            answer=answer.value,
            channel=channel.value,
            quote_amount_minor=repair.quote_amount_minor,
            quote_text=repair.quote_text,
            device_category=repair.device_category,
            device_brand=repair.device_brand,
            device_model=repair.device_model,
        )
    )
    customer = await uow.customers.get(customer_id)
    note = StaffQuoteNote(
        order_id=repair.order_id,
        device_category=repair.device_category.value,
        device=" ".join(p for p in (repair.device_brand, repair.device_model) if p),
        quote_amount_minor=repair.quote_amount_minor,
        quote_text=repair.quote_text,
        answer=answer,
        channel=channel,
        phone=customer.phone if customer else None,
    )
    return AnswerResult(AnswerOutcome.RECORDED, repair.order_id, answer, note)


async def confirm_quote_answer(uow: UnitOfWork, event: QuoteAnswered) -> None:
    """The customer is told their answer was received, in the channel they answered from."""
    fingerprint = quote_fingerprint(event.quote_amount_minor, event.quote_text)
    await uow.outbox.add(
        OutboxMessage(
            customer_id=event.customer_id,
            template="quote_answered",
            context={
                "order_id": event.order_id,
                "answer": event.answer,
                "quote_amount_minor": event.quote_amount_minor,
                "quote_text": event.quote_text,
            },
            dedupe_key=f"quote_answer:{event.order_id}:{fingerprint}",
            created_at=event.at,
            channel=event.channel,
        )
    )
