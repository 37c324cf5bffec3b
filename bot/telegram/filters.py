"""Filters over the handler data the CustomerMiddleware provides."""

from __future__ import annotations

from aiogram.filters import BaseFilter
from aiogram.types import TelegramObject

from domain.customers import Customer


class Registered(BaseFilter):
    """The sender is a registered customer; `Registered(False)` matches everybody else."""

    def __init__(self, registered: bool = True) -> None:
        self.registered = registered

    async def __call__(self, event: TelegramObject, customer: Customer | None = None) -> bool:
        return (customer is not None) is self.registered
