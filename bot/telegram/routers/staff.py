"""The staff chat: a staff member's reply to a question's card goes back to that customer.

Only this one group is read (STAFF_TELEGRAM_CHAT_ID). A message there that is not a reply to one
of the bot's question cards, or whose card's reference is not signed by us, is left alone; every
message there stops here, so no customer router ever answers in the group.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot, Router
from aiogram.types import Message

from bot.staff import parse_question_ref
from bot.telegram.filters import StaffChat
from domain.clock import Clock
from domain.ports import UnitOfWork
from domain.questions import MAX_REPLY, relay_staff_reply
from messages import Renderer


async def staff_message(
    message: Message,
    bot: Bot,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
    renderer: Renderer,
    default_locale: str,
    staff_secret: str,
) -> None:
    card = message.reply_to_message
    if card is None or card.from_user is None or card.from_user.id != bot.id:
        return  # the staff talking among themselves
    ref = parse_question_ref(staff_secret, card.text)
    if ref is None:
        return  # a reply to one of the bot's other messages (or to a forged card)
    customer_id, channel = ref
    if not (message.text or "").strip():
        outcome = "text_only"
    elif len(message.text or "") > MAX_REPLY:
        outcome = "too_long"  # refused whole rather than cut: the customer must get what was written
    else:
        async with uow() as unit:
            key = f"{message.chat.id}:{message.message_id}"
            result = await relay_staff_reply(unit, customer_id, channel, message.text or "", key, clock.now())
            await unit.commit()
        outcome = result.value
    note = renderer.render(
        "staff_reply_result", default_locale, "telegram", outcome=outcome, channel=channel, limit=MAX_REPLY
    )
    await message.reply(note)


def build_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(StaffChat())
    router.message.register(staff_message)
    return router
