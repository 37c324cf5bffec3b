"""Personal offer codes: issued once per customer, offer and period; used once, by a conditional update."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.offer_codes import OfferCode, OfferCodeRepository, OfferCodeStatus, new_code
from store.tables_offers import offer_codes

# A clash of two random codes is one in 32^8 / (codes issued); a handful of retries is plenty.
CODE_ATTEMPTS = 8


def _code(row: Any) -> OfferCode:
    return OfferCode(
        id=row.id,
        code=row.code,
        customer_id=row.customer_id,
        offer_key=row.offer_key,
        valid_until=row.valid_until,
        issued_at=row.issued_at,
        used=row.status == OfferCodeStatus.USED.value,
        used_at=row.used_at,
        used_by=row.used_by,
    )


class SqlOfferCodeRepository(OfferCodeRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def current(self, customer_id: int, offer_key: str, today: date) -> OfferCode | None:
        row = (
            await self._s.execute(
                sa.select(offer_codes)
                .where(
                    offer_codes.c.customer_id == customer_id,
                    offer_codes.c.offer_key == offer_key,
                    offer_codes.c.valid_until >= today,
                )
                .order_by(offer_codes.c.valid_until.desc())
                .limit(1)
            )
        ).first()
        return _code(row) if row else None

    async def issue(self, code: OfferCode) -> OfferCode:
        for _ in range(CODE_ATTEMPTS):
            try:
                async with self._s.begin_nested():  # a refused insert leaves the transaction usable
                    result = await self._s.execute(
                        sa.insert(offer_codes)
                        .values(
                            code=code.code,
                            customer_id=code.customer_id,
                            offer_key=code.offer_key,
                            valid_until=code.valid_until,
                            issued_at=code.issued_at,
                        )
                        .returning(offer_codes.c.id)
                    )
                code.id = result.scalar_one()
                return code
            except IntegrityError:
                same_period = await self._of_period(code)
                if same_period is not None:
                    return same_period  # a concurrent first show issued it: one code per period
                code.code = new_code()  # the code itself clashed with another customer's
        raise RuntimeError(f"no free offer code after {CODE_ATTEMPTS} attempts")

    async def _of_period(self, code: OfferCode) -> OfferCode | None:
        row = (
            await self._s.execute(
                sa.select(offer_codes).where(
                    offer_codes.c.customer_id == code.customer_id,
                    offer_codes.c.offer_key == code.offer_key,
                    offer_codes.c.valid_until == code.valid_until,
                )
            )
        ).first()
        return _code(row) if row else None

    async def get(self, code: str) -> OfferCode | None:
        row = (await self._s.execute(sa.select(offer_codes).where(offer_codes.c.code == code))).first()
        return _code(row) if row else None

    async def mark_used(self, code: str, today: date, now: datetime, author: str) -> bool:
        moved = await self._s.execute(
            sa.update(offer_codes)
            .where(
                offer_codes.c.code == code,
                offer_codes.c.status == OfferCodeStatus.ISSUED.value,
                offer_codes.c.valid_until >= today,
            )
            .values(status=OfferCodeStatus.USED.value, used_at=now, used_by=author)
        )
        return bool(moved.rowcount == 1)  # type: ignore[attr-defined]
