"""The chat conversations in progress and the delivery statuses the platforms report (WhatsApp's tables)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.dialogue import Dialogue, DialogueRepository, MessageStatusRepository
from store.dialect import upsert
from store.repositories import from_row
from store.tables_whatsapp import whatsapp_dialogues, whatsapp_message_statuses


class SqlDialogueRepository(DialogueRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, key: str) -> Dialogue | None:
        row = (
            await self._s.execute(sa.select(whatsapp_dialogues).where(whatsapp_dialogues.c.key == key))
        ).first()
        return from_row(Dialogue, row, data=dict) if row else None

    async def save(self, dialogue: Dialogue) -> None:
        values = {
            "key": dialogue.key,
            "step": dialogue.step,
            "locale": dialogue.locale,
            "data": dialogue.data,
            "updated_at": dialogue.updated_at,
        }
        await self._s.execute(upsert(whatsapp_dialogues, ["key"], values))

    async def delete(self, key: str) -> None:
        await self._s.execute(sa.delete(whatsapp_dialogues).where(whatsapp_dialogues.c.key == key))

    async def delete_older_than(self, moment: datetime) -> None:
        """Forget conversations abandoned half-way (a birthday typed before the last step, say)."""
        await self._s.execute(sa.delete(whatsapp_dialogues).where(whatsapp_dialogues.c.updated_at < moment))


class SqlMessageStatusRepository(MessageStatusRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, message_sid: str) -> tuple[str, int | None] | None:
        row = (
            await self._s.execute(
                sa.select(whatsapp_message_statuses.c.status, whatsapp_message_statuses.c.error_code).where(
                    whatsapp_message_statuses.c.message_sid == message_sid
                )
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def put(self, message_sid: str, status: str, error_code: int | None, at: datetime) -> None:
        values = {"message_sid": message_sid, "status": status, "error_code": error_code, "updated_at": at}
        await self._s.execute(upsert(whatsapp_message_statuses, ["message_sid"], values))
