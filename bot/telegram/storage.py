"""Where the dialogue state lives: the database by default, Redis when several replicas share it.

Either way the key is an HMAC of aiogram's key (bot, chat and user ids) under a secret derived
from the bot token, like the WhatsApp dialogue's: a dialogue in progress does not reveal who holds
it, and a person who never consents leaves no Telegram id behind.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from aiogram.fsm.storage.redis import RedisStorage

from domain.dialogue import ChatStateStore

# A sign-up left unfinished this long is forgotten: it may hold a phone number.
ABANDONED_DIALOGUE = timedelta(days=30)
KEY_PREFIX = "tg"
_KEY_LABEL = b"loyalty: telegram dialogue keys"


def dialogue_secret(bot_token: str) -> bytes:
    """The key of the storage keys' HMAC: derived from the bot token, never the token itself."""
    return hmac.new(bot_token.encode(), _KEY_LABEL, hashlib.sha256).digest()


class HashedKeyBuilder(KeyBuilder):
    """`tg:<HMAC-SHA256 of aiogram's full key>[:part]`: one stable key per dialogue, no ids in it."""

    def __init__(self, secret: bytes, *, prefix: str = KEY_PREFIX) -> None:
        if len(secret) < 16:
            raise ValueError("the key secret is too short")
        self._secret = secret
        self._prefix = prefix
        self._plain = DefaultKeyBuilder(
            prefix=prefix, with_bot_id=True, with_business_connection_id=True, with_destiny=True
        )

    def build(self, key: StorageKey, part: Literal["data", "state", "lock"] | None = None) -> str:
        digest = hmac.new(self._secret, self._plain.build(key).encode(), hashlib.sha256).hexdigest()
        return f"{self._prefix}:{digest}:{part}" if part else f"{self._prefix}:{digest}"


class DatabaseStorage(BaseStorage):
    """aiogram FSM storage on the product's database: a dialogue survives a restart of the process.

    Without a key builder it refuses to work: raw ids must never become a key by accident.
    """

    def __init__(self, store: ChatStateStore, key_builder: KeyBuilder | None = None) -> None:
        self._store = store
        self._keys = key_builder

    @property
    def keyed(self) -> bool:
        return self._keys is not None

    def keyed_by(self, secret: bytes) -> DatabaseStorage:
        """The same store with hashed keys (the storage as it is, when it has its keys already)."""
        return self if self._keys is not None else DatabaseStorage(self._store, HashedKeyBuilder(secret))

    def _key(self, key: StorageKey) -> str:
        if self._keys is None:  # raw ids must never become a key by accident
            raise RuntimeError("DatabaseStorage has no key builder: give it one (HashedKeyBuilder)")
        return self._keys.build(key)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._store.set_state(self._key(key), value)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._store.get(self._key(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._store.set_data(self._key(key), dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._store.get(self._key(key))
        return data

    async def purge(self, older_than: datetime) -> int:
        return await self._store.purge(older_than)

    async def close(self) -> None:
        """The engine belongs to the composition root, which disposes of it."""


def build_storage(
    chat_states: ChatStateStore, redis_url: str | None, secret: bytes
) -> tuple[BaseStorage, BaseEventIsolation | None]:
    """Redis (connecting lazily, on first use) when configured, with a lock shared by the replicas;
    else the database, with the dispatcher's in-process lock."""
    keys = HashedKeyBuilder(secret)
    if redis_url:
        redis = RedisStorage.from_url(
            redis_url, key_builder=keys, state_ttl=ABANDONED_DIALOGUE, data_ttl=ABANDONED_DIALOGUE
        )
        return redis, redis.create_isolation()
    return DatabaseStorage(chat_states, keys), None
