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


def is_command(message: Message) -> bool:
    return (message.text or message.caption or "").startswith("/")


class NotCommand(BaseFilter):
    """Text a dialogue step may read as its answer: a command never is one."""

    async def __call__(self, message: Message) -> bool:
        return not is_command(message)
