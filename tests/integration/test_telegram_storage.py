"""The dialogue storage on the database (and on Redis when REDIS_URL is set), through aiogram's API."""

from __future__ import annotations

import os
import uuid

import pytest
from aiogram import Bot
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from bot.telegram.dispatcher import build_dispatcher
from bot.telegram.runtime import BOT_DEFAULTS
from bot.telegram.states import Signup
from bot.telegram.storage import ABANDONED_DIALOGUE, DatabaseStorage, build_storage
from store.chat_state import ChatStateStore
from tests.telegram_support import TOKEN, Chat, RecordingSession, count, register, tg

__all__ = ["tg"]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _key(chat: int = 1, destiny: str = "default") -> StorageKey:
    return StorageKey(bot_id=42, chat_id=chat, user_id=chat, destiny=destiny)


async def test_state_and_data_are_kept_per_key_and_an_empty_dialogue_leaves_no_row(engine, tg):
    storage = DatabaseStorage(ChatStateStore(engine))
    await storage.set_state(_key(), Signup.phone)
    await storage.update_data(_key(), {"referral": "abc", "name": "Иван"})
    await storage.set_state(_key(2), "other")
    assert await storage.get_state(_key()) == Signup.phone.state
    assert await storage.get_data(_key()) == {"referral": "abc", "name": "Иван"}
    assert await storage.get_data(_key(destiny="elsewhere")) == {}
    assert await storage.get_state(_key(3)) is None

    await storage.set_state(_key(), None)
    assert await count(tg.container, "telegram_chat_states") == 2  # data still there
    await storage.set_data(_key(), {})
    assert await count(tg.container, "telegram_chat_states") == 1
    await storage.close()


async def test_the_storage_follows_the_settings(engine):
    storage, isolation = build_storage(engine, None)
    assert isinstance(storage, DatabaseStorage) and isolation is None
    redis, redis_isolation = build_storage(engine, "redis://127.0.0.1:1/0")  # nothing connects yet
    assert isinstance(redis, RedisStorage) and redis_isolation is not None
    await redis.close()


async def test_the_dialogue_also_runs_on_redis(tg):
    storage, isolation = build_storage(tg.container.engine, REDIS_URL)
    try:
        await storage.get_state(_key(uuid.uuid4().int % 10**9))
    except OSError:
        await storage.close()
        pytest.skip(f"no Redis at {REDIS_URL}")

    session = RecordingSession()
    user_id = 10**9 + uuid.uuid4().int % 10**8  # no clash with other runs on the same Redis
    chat = Chat(
        dp=build_dispatcher(tg.container, storage, isolation),
        bot=Bot(TOKEN, session=session, default=BOT_DEFAULTS),
        session=session,
        clock=tg.clock,
        user_id=user_id,
    )
    await register(chat)
    assert await count(tg.container, "customers") == 1
    assert await count(tg.container, "telegram_chat_states") == 0
    assert await storage.get_state(StorageKey(bot_id=42, chat_id=user_id, user_id=user_id)) is None
    await storage.close()


async def test_abandoned_dialogues_are_forgotten_when_the_bot_starts(engine, tg, clock):
    store = ChatStateStore(engine)
    await store.set_data("tg:old", {"phone": "+79161234567"})
    forgotten = await DatabaseStorage(store).purge(clock.now() + ABANDONED_DIALOGUE)
    assert forgotten == 1 and await count(tg.container, "telegram_chat_states") == 0
