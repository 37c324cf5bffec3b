"""A person on call: a customer's question goes to the staff, and a staff member's reply comes back.

The domain decides what the staff sees about the customer and whether a reply can reach them; the
Telegram staff chat and the customer's channel are the edges' business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from domain.customers import Channel, Customer
from domain.errors import CustomerDeleted, CustomerNotFound
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.repairs import Repair

MAX_QUESTION = 2000  # characters: the staff chat's card keeps well inside Telegram's 4096
MAX_REPLY = 3000  # a longer staff reply is refused (the edge says so), never cut
WHATSAPP_WINDOW = timedelta(hours=24)  # outside it WhatsApp takes only approved templates


@dataclass(frozen=True)
class StaffQuestion:
    """What the staff sees: who asks, from which channel, their tier and open repairs, the question."""

    customer_id: int
    channel: Channel
    name: str | None
    phone: str | None
    tier_key: str
    locale: str
    open_repairs: tuple[Repair, ...]
    text: str


class ReplyOutcome(StrEnum):
    QUEUED = "queued"
    ALREADY_RELAYED = "already_relayed"
    CUSTOMER_GONE = "customer_gone"  # deleted their account since asking
    CHANNEL_GONE = "channel_gone"  # blocked the bot, or no longer has that chat
    OUTSIDE_WHATSAPP_WINDOW = "outside_whatsapp_window"


async def _member(uow: UnitOfWork, customer_id: int) -> Customer:
    customer = await uow.customers.get(customer_id)
    if customer is None:
        raise CustomerNotFound(f"customer {customer_id} not found")
    if customer.is_deleted:
        raise CustomerDeleted(f"customer {customer_id} is deleted")
    return customer


async def ask_staff(uow: UnitOfWork, customer_id: int, channel: Channel, text: str) -> StaffQuestion:
    """The question as the staff will see it (cut to MAX_QUESTION); nothing is stored."""
    customer = await _member(uow, customer_id)
    repairs = await uow.repairs.of_customer(customer_id)
    return StaffQuestion(
        customer_id=customer_id,
        channel=channel,
        name=customer.name,
        phone=customer.phone,
        tier_key=customer.tier,
        locale=customer.locale,
        open_repairs=tuple(r for r in repairs if not r.is_final),
        text=text.strip()[:MAX_QUESTION],
    )


async def relay_staff_reply(
    uow: UnitOfWork, customer_id: int, channel: Channel, text: str, reply_key: str, now: datetime
) -> ReplyOutcome:
    """Queue the staff's reply to the customer, in the channel they asked from, once per `reply_key`.

    A reply that cannot reach them (account deleted, chat blocked, WhatsApp's window closed) queues
    nothing, so the staff can be told at once instead of the reply waiting in the outbox for nobody.
    """
    customer = await uow.customers.get(customer_id)
    if customer is None or customer.is_deleted:
        return ReplyOutcome.CUSTOMER_GONE
    identity = next(
        (
            i
            for i in await uow.identities.of_customer(customer_id)
            if i.channel is channel and i.unreachable_at is None
        ),
        None,
    )
    if identity is None:
        return ReplyOutcome.CHANNEL_GONE
    if channel is Channel.WHATSAPP and (
        identity.last_inbound_at is None or now - identity.last_inbound_at >= WHATSAPP_WINDOW
    ):
        return ReplyOutcome.OUTSIDE_WHATSAPP_WINDOW
    if not await uow.events.claim(f"staff_reply:{reply_key}", "staff", now):
        return ReplyOutcome.ALREADY_RELAYED
    await uow.outbox.add(
        OutboxMessage(
            customer_id=customer_id,
            template="staff_reply",
            context={"text": text.strip()},
            dedupe_key=f"staff_reply:{reply_key}",
            created_at=now,
            channel=channel.value,
        )
    )
    return ReplyOutcome.QUEUED
