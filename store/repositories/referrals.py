"""Referrals and the phones' keyed fingerprints. The secret and the marks are written race-safely:
INSERT ... ON CONFLICT DO NOTHING, then read, so two replicas agree on one secret."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.referrals import (
    PhoneMark,
    PhoneMarkRepository,
    Referral,
    ReferralRepository,
    ReferralStatus,
    RefusalReason,
)
from store.dialect import insert_ignore
from store.repositories import field_names, from_row
from store.tables import repairs
from store.tables_referrals import installation_secrets, phone_marks, referrals

_FIELDS = field_names(Referral, "id")
_DECIDED = ("status", "reason", "order_id", "reward_entry_id", "updated_at", "rewarded_at")
SECRET_NAME = "phone_fingerprint"


def _referral(row: Any) -> Referral:
    return from_row(
        Referral,
        row,
        status=ReferralStatus,
        reason=lambda v: RefusalReason(v) if v is not None else None,
    )


def _values(referral: Referral, names: tuple[str, ...]) -> dict[str, Any]:
    values = {f: getattr(referral, f) for f in names}
    values["status"] = referral.status.value
    values["reason"] = referral.reason.value if referral.reason is not None else None
    return values


class SqlReferralRepository(ReferralRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def add(self, referral: Referral) -> Referral:
        await self._s.execute(insert_ignore(referrals, ["source_key"], _values(referral, _FIELDS)))
        row = (
            await self._s.execute(sa.select(referrals).where(referrals.c.source_key == referral.source_key))
        ).one()
        return _referral(row)

    async def of_friend(self, friend_id: int, *, lock: bool = False) -> Referral | None:
        query = sa.select(referrals).where(referrals.c.source_key == f"friend:{friend_id}")
        if lock:
            query = query.with_for_update()
        row = (await self._s.execute(query)).first()
        return _referral(row) if row is not None else None

    async def decide(self, referral: Referral, expected: ReferralStatus) -> bool:
        result = await self._s.execute(
            sa.update(referrals)
            .where(referrals.c.id == referral.id, referrals.c.status == expected.value)
            .values(**_values(referral, _DECIDED))
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def of_referrer(self, referrer_id: int) -> list[Referral]:
        rows = await self._s.execute(
            sa.select(referrals).where(referrals.c.referrer_id == referrer_id).order_by(referrals.c.id)
        )
        return [_referral(r) for r in rows]

    async def rewarded_between(self, referrer_id: int, start: datetime, end: datetime) -> int:
        value = await self._s.scalar(
            sa.select(sa.func.count())
            .select_from(referrals)
            .where(
                referrals.c.referrer_id == referrer_id,
                referrals.c.rewarded_at >= start,
                referrals.c.rewarded_at < end,
            )
        )
        return int(value or 0)

    async def serial_seen_elsewhere(self, serial: str, customer_id: int, order_id: str) -> bool:
        query = (
            sa.select(repairs.c.id)
            .where(
                _bare_serial(repairs.c.device_serial) == _bare_serial(sa.literal(serial)),
                repairs.c.order_id != order_id,
                sa.or_(repairs.c.customer_id.is_(None), repairs.c.customer_id != customer_id),
            )
            .limit(1)
        )
        return (await self._s.execute(query)).first() is not None


def _bare_serial(serial: Any) -> Any:
    """A serial as typed by anyone: 'f2lx 9k0q-jc6' is 'F2LX9K0QJC6', on both databases alike."""
    return sa.func.upper(sa.func.replace(sa.func.replace(serial, " ", ""), "-", ""))


class SqlPhoneMarkRepository(PhoneMarkRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def installation_secret(self, candidate: bytes, now: datetime) -> bytes:
        # Read first: the secret exists after the first call, and a repair event for a new order
        # asks for it, so the insert (a write on every call) runs only while none is stored.
        read = sa.select(installation_secrets.c.secret).where(installation_secrets.c.name == SECRET_NAME)
        stored = await self._s.scalar(read)
        if stored is None:
            values = {"name": SECRET_NAME, "secret": candidate, "created_at": now}
            await self._s.execute(insert_ignore(installation_secrets, ["name"], values))
            stored = await self._s.scalar(read)
        assert stored is not None
        return bytes(stored)

    async def get(self, fingerprint: str) -> PhoneMark | None:
        row = (
            await self._s.execute(sa.select(phone_marks).where(phone_marks.c.fingerprint == fingerprint))
        ).first()
        return from_row(PhoneMark, row) if row is not None else None

    async def mark(self, fingerprint: str, now: datetime, *, welcome_granted: bool, referred: bool) -> None:
        values = {
            "fingerprint": fingerprint,
            "first_seen_at": now,
            "welcome_granted": welcome_granted,
            "referred": referred,
        }
        await self._s.execute(insert_ignore(phone_marks, ["fingerprint"], values))
        changes: dict[str, Any] = {}
        if welcome_granted:
            changes["welcome_granted"] = True
        if referred:
            changes["referred"] = True
        if changes:
            await self._s.execute(
                sa.update(phone_marks).where(phone_marks.c.fingerprint == fingerprint).values(**changes)
            )
