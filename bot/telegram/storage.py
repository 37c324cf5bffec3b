"""Where the dialogue state lives: the database by default, Redis when several replicas share it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

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
from sqlalchemy.ext.asyncio import AsyncEngine

from store.chat_state import ChatStateStore

# A sign-up left unfinished this long is forgotten: it may hold a phone number.
ABANDONED_DIALOGUE = timedelta(days=30)


class DatabaseStorage(BaseStorage):
    """aiogram FSM storage on the product's database: a dialogue survives a restart of the process."""

    def __init__(self, store: ChatStateStore, key_builder: KeyBuilder | None = None) -> None:
        self._store = store
        self._keys = key_builder or DefaultKeyBuilder(prefix="tg", with_bot_id=True, with_destiny=True)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._store.set_state(self._keys.build(key), value)

    async def get_state(self, key: StorageKey) -> str | None:
        state, _ = await self._store.get(self._keys.build(key))
        return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._store.set_data(self._keys.build(key), dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        _, data = await self._store.get(self._keys.build(key))
        return data

    async def purge(self, older_than: datetime) -> int:
        return await self._store.purge(older_than)

    async def close(self) -> None:
        """The engine belongs to the container, which disposes of it."""


def build_storage(
    engine: AsyncEngine, redis_url: str | None
) -> tuple[BaseStorage, BaseEventIsolation | None]:
    """Redis (connecting lazily, on first use) when configured, with a lock shared by the replicas;
    else the database, with the dispatcher's in-process lock."""
    if redis_url:
        redis = RedisStorage.from_url(
            redis_url,
            key_builder=DefaultKeyBuilder(with_bot_id=True),
            state_ttl=ABANDONED_DIALOGUE,
            data_ttl=ABANDONED_DIALOGUE,
        )
        return redis, redis.create_isolation()
    return DatabaseStorage(ChatStateStore(engine)), None
