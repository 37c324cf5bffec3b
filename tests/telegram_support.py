"""Driving the real aiogram dispatcher in tests: a recording bot session and update builders.

Modelled on aiogram's tests/mocked_bot.py: the session records every Bot API request and answers
from a queue, or with a plausible default (a sent Message, True, the bot's own User).
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from aiogram import Bot, Dispatcher
from aiogram.client.session.base import BaseSession
from aiogram.methods import EditMessageText, GetMe, SendDocument, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.bootstrap import Container, bootstrap
from app.settings import Settings
from bot.telegram.dispatcher import build_dispatcher
from bot.telegram.runtime import BOT_DEFAULTS, staff_desk
from bot.telegram.storage import DatabaseStorage, HashedKeyBuilder, dialogue_secret
from domain.clock import FixedClock
from domain.rules import ProgramRules
from store.chat_state import SqlChatStateStore
from tests.conftest import Database

TOKEN = "42:TEST-token-for-the-loyalty-bot"
BOT_ID = 42  # the token's first part
BOT_USERNAME = "loyalty_test_bot"
USER_ID = 555001


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.queued: deque[tuple[int, dict[str, Any]]] = deque()
        self.by_method: dict[type[TelegramMethod[Any]], deque[tuple[int, dict[str, Any]]]] = {}
        self._ids = itertools.count(1000)

    def queue(self, status: int, body: dict[str, Any]) -> None:
        """The next request gets this raw Bot API answer (e.g. 403 {"ok": false, ...})."""
        self.queued.append((status, body))

    def queue_for(self, method: type[TelegramMethod[Any]], status: int, body: dict[str, Any]) -> None:
        """The next request of this kind gets this raw answer; the others are answered as usual."""
        self.by_method.setdefault(method, deque()).append((status, body))

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        self.requests.append(method)
        own = self.by_method.get(type(method))
        if own:
            status, body = own.popleft()
        else:
            status, body = self.queued.popleft() if self.queued else (200, self._default(method))
        response = self.check_response(bot, method, status, json.dumps(body))
        return response.result  # type: ignore[return-value]

    def _default(self, method: TelegramMethod[Any]) -> dict[str, Any]:
        if isinstance(method, GetMe):
            result: Any = {"id": 42, "is_bot": True, "first_name": "Loyalty", "username": BOT_USERNAME}
        elif isinstance(method, SendMessage | SendDocument):
            result = {
                "message_id": next(self._ids),
                "date": 0,
                "chat": {"id": method.chat_id, "type": "private"},
                "text": getattr(method, "text", None) or "",
            }
        else:
            result = True
        return {"ok": True, "result": result}

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 (aiogram's signature)
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        pass


@dataclass
class Chat:
    """One customer's private chat with the bot, driven through the real dispatcher."""

    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    clock: FixedClock
    user_id: int = USER_ID
    language_code: str | None = "ru"
    first_name: str = "Иван"
    _updates: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _messages: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def message_update(self, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._messages),
            "date": int(self.clock.now().timestamp()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
            "from": self.user(),
            **content,
        }
        return {"update_id": next(self._updates), "message": message}

    def callback_update(self, data: str) -> dict[str, Any]:
        message = {
            "message_id": next(self._messages),
            "date": int(self.clock.now().timestamp()),
            "chat": {"id": self.user_id, "type": "private"},
            "from": {"id": 42, "is_bot": True, "first_name": "Loyalty"},
            "text": "...",
        }
        query = {
            "id": str(next(self._updates)),
            "from": self.user(),
            "chat_instance": "ci",
            "data": data,
            "message": message,
        }
        return {"update_id": next(self._updates), "callback_query": query}

    def contact_update(self, phone: str = "+79161234567", user_id: int | None = None) -> dict[str, Any]:
        contact = {
            "phone_number": phone,
            "first_name": "Иван",
            "last_name": "Петров",
            "user_id": self.user_id if user_id is None else user_id,
        }
        return self.message_update(contact=contact)

    def membership_update(
        self, old: str, new: str, *, chat: dict[str, Any] | None = None, **overrides: Any
    ) -> dict[str, Any]:
        """`my_chat_member`: the customer changed the bot's status in their chat (kicked = blocked)."""
        bot = {"id": BOT_ID, "is_bot": True, "first_name": "Loyalty", "username": BOT_USERNAME}
        change = {
            "chat": chat or {"id": self.user_id, "type": "private", "first_name": self.first_name},
            "from": self.user(),
            "date": int(self.clock.now().timestamp()),
            "old_chat_member": _member(old, bot),
            "new_chat_member": _member(new, bot),
            **overrides,
        }
        return {"update_id": next(self._updates), "my_chat_member": change}

    async def block(self) -> list[TelegramMethod[Any]]:
        return await self.feed(self.membership_update("member", "kicked"))

    async def unblock(self) -> list[TelegramMethod[Any]]:
        return await self.feed(self.membership_update("kicked", "member"))

    async def feed(self, raw: dict[str, Any]) -> list[TelegramMethod[Any]]:
        """Feed one update; return the Bot API requests it caused."""
        before = len(self.session.requests)
        update = Update.model_validate(raw, context={"bot": self.bot})
        await self.dp.feed_update(self.bot, update)
        return self.session.requests[before:]

    async def say(self, text: str) -> list[TelegramMethod[Any]]:
        return await self.feed(self.message_update(text=text))

    async def press(self, data: str) -> list[TelegramMethod[Any]]:
        return await self.feed(self.callback_update(data))

    async def share_contact(self, phone: str = "+79161234567", user_id: int | None = None) -> list[Any]:
        return await self.feed(self.contact_update(phone, user_id))


def _member(status: str, user: dict[str, Any]) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "kicked":
        member["until_date"] = 0
    return member


def texts_of(requests: list[TelegramMethod[Any]]) -> list[str]:
    """What the customer reads: new messages, and menu messages edited in place."""
    return [r.text for r in requests if isinstance(r, SendMessage | EditMessageText)]


def last_text(requests: list[TelegramMethod[Any]]) -> str:
    sent = texts_of(requests)
    assert sent, f"the bot said nothing: {requests!r}"
    return sent[-1]


def buttons_of(request: TelegramMethod[Any]) -> list[Any]:
    markup = getattr(request, "reply_markup", None)
    rows = getattr(markup, "inline_keyboard", None) or getattr(markup, "keyboard", None) or []
    return [button for row in rows for button in row]


def make_settings(database: Database, **overrides: Any) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database.url,
        telegram_bot_token=TOKEN,  # type: ignore[call-arg]
        **overrides,
    )


@dataclass
class TelegramWorld:
    """A container on the test database and a way to open chats with a fresh dispatcher."""

    container: Container
    clock: FixedClock

    def new_chat(self, **kwargs: Any) -> Chat:
        """A new dispatcher and bot each time, like a restarted process; the storage is the database."""
        store = SqlChatStateStore(self.container.engine, self.clock)
        storage = DatabaseStorage(store, HashedKeyBuilder(dialogue_secret(TOKEN)))
        dp = build_dispatcher(self.container.chat, storage)
        session = RecordingSession()
        bot = Bot(TOKEN, session=session, default=BOT_DEFAULTS)
        dp["staff"] = staff_desk(bot, self.container.chat)  # as build_telegram does
        return Chat(
            dp=dp,
            bot=bot,
            session=session,
            clock=self.clock,
            **kwargs,
        )


@pytest.fixture
async def tg(
    database: Database, engine: AsyncEngine, clock: FixedClock, rules: ProgramRules
) -> AsyncIterator[TelegramWorld]:
    container = bootstrap(
        make_settings(database), clock=clock, rules=rules, engine=engine, channel_builders={}
    )
    yield TelegramWorld(container, clock)


async def count(container: Container, table: str) -> int:
    async with container.engine.connect() as conn:
        return int((await conn.execute(sa.text(f"SELECT count(*) FROM {table}"))).scalar_one())


async def register(
    chat: Chat,
    phone: str = "+79161234567",
    birthday: str | None = "25.04.1990",
    marketing: bool = True,
    start: str = "/start",
) -> list[TelegramMethod[Any]]:
    """Walk the whole sign-up dialogue; return what the last step caused."""
    from bot.telegram.callbacks import ConsentCb, RegistrationCb

    await chat.say(start)
    await chat.press(ConsentCb(agree=True).pack())
    await chat.share_contact(phone)
    if birthday:
        await chat.say(birthday)
    else:
        await chat.press(RegistrationCb(action="skip_birthday").pack())
    action = "marketing_yes" if marketing else "marketing_no"
    return await chat.press(RegistrationCb(action=action).pack())
