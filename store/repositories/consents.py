"""The consent history: append and read, never update."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.consents import ConsentKind, ConsentLog, ConsentRecord
from domain.customers import Channel
from store.tables_consents import consent_log


class SqlConsentLog(ConsentLog):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def append(self, record: ConsentRecord) -> None:
        await self._s.execute(
            sa.insert(consent_log).values(
                customer_id=record.customer_id,
                kind=record.kind.value,
                granted=record.granted,
                channel=record.channel.value if record.channel else None,
                document_version=record.document_version,
                document_hash=record.document_hash,
                at=record.at,
            )
        )

    async def of_customer(self, customer_id: int) -> list[ConsentRecord]:
        rows = await self._s.execute(
            sa.select(consent_log).where(consent_log.c.customer_id == customer_id).order_by(consent_log.c.id)
        )
        return [
            ConsentRecord(
                id=r.id,
                customer_id=r.customer_id,
                kind=ConsentKind(r.kind),
                granted=r.granted,
                channel=Channel(r.channel) if r.channel else None,
                document_version=r.document_version,
                document_hash=r.document_hash,
                at=r.at,
            )
            for r in rows
        ]
