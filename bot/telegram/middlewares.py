"""Per-update context: who the customer is and which language to answer in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject, User

from bot.telegram.filters import is_command
from bot.telegram.states import ProfileEdit
from bot.telegram.texts import Texts, choose_locale
from domain.customers import Channel, Customer

if TYPE_CHECKING:
    from app.bootstrap import Container

# Refreshing last_inbound_at on every message would be a write per update; this is enough for
# the delivery loop to prefer the channel the customer used lately.
INBOUND_REFRESH = timedelta(minutes=10)

# Steps waiting for typed text that any command abandons. The sign-up steps are not here: a
# command there is answered and the sign-up resumes where it stood (registration.py).
LEFT_BY_COMMANDS = frozenset(state.state for state in ProfileEdit.__states__)


class CustomerMiddleware(BaseMiddleware):
    """Puts `customer` (None until registered) and `texts` (their language) into handler data."""

    def __init__(self, container: Container) -> None:
        self._container = container

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        customer = await self._customer_of(user) if user is not None else None
        data["customer"] = customer
        data["texts"] = Texts(
            self._container.renderer,
            choose_locale(
                customer.locale if customer else None,
                user.language_code if user else None,
                self._container.settings.default_locale,
            ),
        )
        return await handler(event, data)

    async def _customer_of(self, user: User) -> Customer | None:
        now = self._container.clock.now()
        async with self._container.uow() as uow:
            identity = await uow.identities.get(Channel.TELEGRAM, str(user.id))
            if identity is None:
                return None
            customer = await uow.customers.get(identity.customer_id)
            if customer is None or customer.is_deleted:
                return None
            stale = identity.last_inbound_at is None or now - identity.last_inbound_at > INBOUND_REFRESH
            if stale or identity.unreachable_at is not None:
                # A customer who writes again has unblocked the bot.
                identity.last_inbound_at, identity.unreachable_at = now, None
                await uow.identities.update(identity)
                await uow.commit()
        return customer


class CommandsLeaveEdits(BaseMiddleware):
    """A command sent while a profile edit waits for text ends the edit, then runs as the command."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        state: FSMContext | None = data.get("state")
        editing = state is not None and data.get("raw_state") in LEFT_BY_COMMANDS
        if editing and state is not None and isinstance(event, Message) and is_command(event):
            await state.clear()
            data["raw_state"] = None  # the state filters of this update read this copy
        return await handler(event, data)
