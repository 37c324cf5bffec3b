"""The dialogue storage on the database (and on Redis when REDIS_URL is set), through aiogram's API."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from aiogram import Bot
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage

from bot.telegram.dispatcher import build_dispatcher
from bot.telegram.runtime import BOT_DEFAULTS
from bot.telegram.states import Signup
from bot.telegram.storage import (
    ABANDONED_DIALOGUE,
    DatabaseStorage,
    HashedKeyBuilder,
    build_storage,
    dialogue_secret,
)
from store.chat_state import SqlChatStateStore
from tests.telegram_support import TOKEN, USER_ID, Chat, RecordingSession, count, register, tg

__all__ = ["tg"]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = dialogue_secret(TOKEN)


def _key(chat: int = 1, destiny: str = "default") -> StorageKey:
    return StorageKey(bot_id=42, chat_id=chat, user_id=chat, destiny=destiny)


async def test_state_and_data_are_kept_per_key_and_an_empty_dialogue_leaves_no_row(engine, tg, clock):
    storage = DatabaseStorage(SqlChatStateStore(engine, clock), HashedKeyBuilder(SECRET))
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


async def test_the_storage_follows_the_settings(engine, clock):
    storage, isolation = build_storage(SqlChatStateStore(engine, clock), None, SECRET)
    assert isinstance(storage, DatabaseStorage) and storage.keyed and isolation is None
    redis, redis_isolation = build_storage(
        SqlChatStateStore(engine, clock), "redis://127.0.0.1:1/0", SECRET
    )  # nothing connects
    assert isinstance(redis, RedisStorage) and redis_isolation is not None
    await redis.close()


async def test_the_dialogue_also_runs_on_redis(tg):
    storage, isolation = build_storage(SqlChatStateStore(tg.container.engine, tg.clock), REDIS_URL, SECRET)
    try:
        await storage.get_state(_key(uuid.uuid4().int % 10**9))
    except OSError:
        await storage.close()
        pytest.skip(f"no Redis at {REDIS_URL}")

    session = RecordingSession()
    user_id = 10**9 + uuid.uuid4().int % 10**8  # no clash with other runs on the same Redis
    chat = Chat(
        dp=build_dispatcher(tg.container.chat, storage, isolation),
        bot=Bot(TOKEN, session=session, default=BOT_DEFAULTS),
        session=session,
        clock=tg.clock,
        user_id=user_id,
    )
    await chat.say("/start")
    assert isinstance(storage, RedisStorage)
    keys = [key.decode() async for key in storage.redis.scan_iter(match="tg:*")]
    hashed = HashedKeyBuilder(SECRET).build(StorageKey(bot_id=42, chat_id=user_id, user_id=user_id), "state")
    assert hashed in keys and not any(str(user_id) in key for key in keys)
    await register(chat)
    assert await count(tg.container, "customers") == 1
    assert await count(tg.container, "telegram_chat_states") == 0
    assert await storage.get_state(StorageKey(bot_id=42, chat_id=user_id, user_id=user_id)) is None
    await storage.close()


async def test_abandoned_dialogues_are_forgotten_when_the_bot_starts(engine, tg, clock):
    store = SqlChatStateStore(engine, clock)
    await store.set_data("tg:old", {"phone": "+79161234567"})
    forgotten = await DatabaseStorage(store).purge(clock.now() + ABANDONED_DIALOGUE)
    assert forgotten == 1 and await count(tg.container, "telegram_chat_states") == 0


async def test_before_consent_the_stored_dialogue_holds_no_telegram_id(tg):
    chat = tg.new_chat()
    await chat.say("/start")
    async with tg.container.engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT key, state, data FROM telegram_chat_states"))).all()
    expected = HashedKeyBuilder(SECRET).build(StorageKey(bot_id=42, chat_id=USER_ID, user_id=USER_ID))
    assert [tuple(row) for row in rows] == [(expected, Signup.consent.state, "{}")]
    assert str(USER_ID) not in expected and len(expected) == len("tg:") + 64


async def test_the_key_depends_on_the_bot_tokens_secret_and_every_part_of_aiograms_key():
    keys = HashedKeyBuilder(SECRET)
    built = {
        keys.build(_key()),
        keys.build(_key(2)),
        keys.build(_key(destiny="elsewhere")),
        keys.build(StorageKey(bot_id=43, chat_id=1, user_id=1)),
        keys.build(StorageKey(bot_id=42, chat_id=1, user_id=2)),
        HashedKeyBuilder(dialogue_secret("43:another-token")).build(_key()),
    }
    assert len(built) == 6
    assert keys.build(_key()) == HashedKeyBuilder(dialogue_secret(TOKEN)).build(_key())  # stable
    assert TOKEN.encode() not in SECRET  # derived from the token, not the token


async def test_a_storage_without_keys_refuses_rather_than_store_raw_ids(engine, clock):
    storage = DatabaseStorage(SqlChatStateStore(engine, clock))
    with pytest.raises(RuntimeError):
        await storage.set_state(_key(), Signup.phone)
    assert storage.keyed_by(SECRET).keyed
