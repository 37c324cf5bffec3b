"""Per-update context: who the customer is and which language to answer in."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import Message, TelegramObject, Update, User

from bot.deps import ChatDeps
from bot.telegram.filters import is_command
from bot.telegram.states import ProfileEdit
from bot.telegram.texts import Texts, choose_locale
from domain.customers import Channel, Customer
from domain.services.inbound import note_inbound

log = logging.getLogger(__name__)

# Refreshing last_inbound_at on every message would be a write per update; this is enough for
# the delivery loop to prefer the channel the customer used lately.
INBOUND_REFRESH = timedelta(minutes=10)

# Steps waiting for typed text that any command abandons. The sign-up steps are not here: a
# command there is answered and the sign-up resumes where it stood (registration.py).
LEFT_BY_COMMANDS = frozenset(state.state for state in ProfileEdit.__states__)


class CustomerMiddleware(BaseMiddleware):
    """Puts `customer` (None until registered) and `texts` (their language) into handler data.

    A membership change (`my_chat_member`: the customer blocked or unblocked the bot) is not the
    customer writing to us: it passes untouched, or noting it as inbound would make a blocked
    identity reachable again. Its handlers (routers/membership.py) need neither part.
    """

    def __init__(self, deps: ChatDeps) -> None:
        self._deps = deps

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and event.my_chat_member is not None:
            return await handler(event, data)
        user: User | None = data.get("event_from_user")
        customer = await self._customer_of(user) if user is not None else None
        data["customer"] = customer
        data["texts"] = Texts(
            self._deps.renderer,
            choose_locale(
                customer.locale if customer else None,
                user.language_code if user else None,
                self._deps.default_locale,
            ),
        )
        return await handler(event, data)

    async def _customer_of(self, user: User) -> Customer | None:
        now = self._deps.clock.now()
        async with self._deps.uow() as uow:
            sender = await note_inbound(
                uow, Channel.TELEGRAM, str(user.id), now, refresh_after=INBOUND_REFRESH
            )
            if sender is not None and sender.refreshed:
                await uow.commit()
        return sender.customer if sender else None


class SenderRequired(BaseMiddleware):
    """A message with no sender (`from` missing: a channel post forwarded oddly, a client bug) has
    nobody to answer and no dialogue to read: it is dropped with one log line, not a traceback."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and event.from_user is None:
            log.info(
                "telegram: message %s in chat %s has no sender; ignored", event.message_id, event.chat.id
            )
            return None
        return await handler(event, data)


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
