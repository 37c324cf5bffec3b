"""A quoted repair for the quote-answer tests: the event, the message it sends, its buttons."""

from __future__ import annotations

from aiogram.methods import SendMessage

from bot.telegram.sender import TelegramSender
from domain.customers import Channel
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.services.repairs import record_repair_event
from tests.telegram_support import buttons_of

QUOTE_PHONE = "+79161234567"
QUOTE_ORDER = "R-1042"


async def quote_event(world, status=RepairStatus.WAITING_APPROVAL, *, amount=250000,
                      text="Замена аккумулятора", order=QUOTE_ORDER, phone=QUOTE_PHONE,
                      event_id=None):  # fmt: skip
    quoted = status is RepairStatus.WAITING_APPROVAL
    event = RecordRepairEvent(
        event_id=event_id or f"{order}:{status.value}:{amount}:{text}",
        type=RepairEventType.STATUS_CHANGED,
        order_id=order,
        phone=phone,
        status=status,
        device_category=DeviceCategory.LAPTOP,
        device_brand="Lenovo",
        device_model="T14",
        occurred_at=world.clock.now(),
        quote_amount_minor=amount if quoted else None,
        quote_text=text if quoted else None,
    )
    async with world.container.uow() as uow:
        await record_repair_event(uow, world.container.rules, event, world.clock.now())
        await uow.commit()


async def deliver_to(world, chat):
    """Run the real outbox delivery into this chat's recording bot; return the messages it sent."""
    before = len(chat.session.requests)
    await world.container.delivery({Channel.TELEGRAM: TelegramSender(chat.bot)}).deliver_due()
    return [r for r in chat.session.requests[before:] if isinstance(r, SendMessage)]


async def quote_message(world, chat):
    [message] = [m for m in await deliver_to(world, chat) if "ждёт вашего согласования" in m.text]
    return message


def answer_button(message, label_start):
    [button] = [b for b in buttons_of(message) if b.text.startswith(label_start)]
    return button.callback_data
