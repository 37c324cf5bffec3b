"""The customer blocked or unblocked the bot (`my_chat_member` in their private chat).

A block marks the identity unreachable at once, so the outbox stops sending there before a send
fails on it; an unblock makes it reachable again. Neither is answered: a blocked bot cannot
write, and an unblock needs no fanfare (the customer's next message is answered as usual).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import IS_MEMBER, IS_NOT_MEMBER, KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated

from domain.clock import Clock
from domain.customers import Channel
from domain.events import Event
from domain.ports import UnitOfWork
from domain.services.reachability import note_blocked, note_unblocked

BLOCKED = IS_MEMBER >> KICKED
UNBLOCKED = IS_NOT_MEMBER >> MEMBER

Change = Callable[[UnitOfWork, Channel, str, datetime], Awaitable[Event | None]]


def by_the_customer(update: ChatMemberUpdated, bot: Bot) -> bool:
    """A person changed this bot's membership of their own private chat; anything else (another
    bot, a chat that is not theirs, a member who is not this bot) is not a block."""
    actor = update.from_user
    return not actor.is_bot and update.chat.id == actor.id and update.new_chat_member.user.id == bot.id


async def _apply(
    change: Change, update: ChatMemberUpdated, uow: Callable[[], UnitOfWork], clock: Clock
) -> None:
    # Telegram's time of the change orders the reports (never later than ours: a clock skew)
    at = min(update.date.astimezone(UTC), clock.now())
    async with uow() as unit:
        await change(unit, Channel.TELEGRAM, str(update.from_user.id), at)
        await unit.commit()  # the change, or only the time of a report that changed nothing


async def blocked(update: ChatMemberUpdated, uow: Callable[[], UnitOfWork], clock: Clock) -> None:
    await _apply(note_blocked, update, uow, clock)


async def unblocked(update: ChatMemberUpdated, uow: Callable[[], UnitOfWork], clock: Clock) -> None:
    await _apply(note_unblocked, update, uow, clock)


def build_router() -> Router:
    router = Router(name=__name__)
    router.my_chat_member.filter(F.chat.type == ChatType.PRIVATE, by_the_customer)
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(BLOCKED))
    router.my_chat_member.register(unblocked, ChatMemberUpdatedFilter(UNBLOCKED))
    return router
