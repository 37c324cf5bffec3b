"""Filters over the handler data the CustomerMiddleware provides."""

from __future__ import annotations

from aiogram.filters import BaseFilter
from aiogram.types import Message, TelegramObject

from domain.customers import Customer


class Registered(BaseFilter):
    """The sender is a registered customer; `Registered(False)` matches everybody else."""

    def __init__(self, registered: bool = True) -> None:
        self.registered = registered

    async def __call__(self, event: TelegramObject, customer: Customer | None = None) -> bool:
        return (customer is not None) is self.registered


class StaffChat(BaseFilter):
    """The message is in the staff chat (STAFF_TELEGRAM_CHAT_ID), the one group the bot reads."""

    async def __call__(self, message: Message, staff_chat_id: int | None = None) -> bool:
        return staff_chat_id is not None and message.chat.id == staff_chat_id


class PrivateOrStaffChat(BaseFilter):
    """Customers in their private chats, and the staff chat; every other group is ignored."""

    async def __call__(self, message: Message, staff_chat_id: int | None = None) -> bool:
        return message.chat.type == "private" or (
            staff_chat_id is not None and message.chat.id == staff_chat_id
        )


def is_command(message: Message) -> bool:
    return (message.text or message.caption or "").startswith("/")


class NotCommand(BaseFilter):
    """Text a dialogue step may read as its answer: a command never is one."""

    async def __call__(self, message: Message) -> bool:
        return not is_command(message)
