"""Chat dialogue state (a state name and a small JSON document per key), kept in the database.

It backs the chat front ends' dialogue machinery (aiogram's FSM), so it talks to the engine
directly, one short transaction per call (the ChatStateStore port says why). A key with no state
and no data has no row, so the table holds only dialogues in progress.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from domain.clock import Clock
from domain.dialogue import ChatStateStore
from store.dialect import upsert
from store.tables_telegram import telegram_chat_states as t

EMPTY = "{}"


class SqlChatStateStore(ChatStateStore):
    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(t.c.state, t.c.data).where(t.c.key == key))).first()
        if row is None:
            return None, {}
        data: dict[str, Any] = json.loads(row.data)
        return row.state, data

    async def set_state(self, key: str, state: str | None) -> None:
        await self._write(key, {"state": state}, clearing=state is None)

    async def set_data(self, key: str, data: dict[str, Any]) -> None:
        document = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str) if data else EMPTY
        await self._write(key, {"data": document}, clearing=not data)

    async def _write(self, key: str, values: dict[str, Any], *, clearing: bool) -> None:
        values = {**values, "updated_at": self._clock.now()}
        async with self._engine.begin() as conn:
            if clearing:  # most "clear" calls find no row: update-then-drop, never insert
                await conn.execute(sa.update(t).where(t.c.key == key).values(**values))
                await self._drop_if_empty(conn, key)
            else:
                await conn.execute(upsert(t, ["key"], {"key": key, **values}))

    async def purge(self, older_than: datetime) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(sa.delete(t).where(t.c.updated_at < older_than))
        return int(result.rowcount or 0)

    async def _drop_if_empty(self, conn: AsyncConnection, key: str) -> None:
        await conn.execute(sa.delete(t).where(t.c.key == key, t.c.state.is_(None), t.c.data == EMPTY))
