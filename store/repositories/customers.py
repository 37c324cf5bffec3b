from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.customers import Channel, ChannelIdentity, Customer
from domain.errors import PhoneAlreadyRegistered
from domain.ports import CustomerRepository, IdentityRepository
from store.repositories import field_names, from_row
from store.tables import channel_identities, customers

_CUSTOMER_FIELDS = field_names(Customer, "id", "points_balance")


@contextlib.asynccontextmanager
async def by_index(session: AsyncSession) -> AsyncIterator[None]:
    """A batch read by a list of ids: PostgreSQL without statistics (a young or restored database)
    reads a table of a few thousand rows whole for 20 ids rather than probe its index 20 times,
    and goes on doing so as the table grows until it is analyzed; so the index, by construction."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        await session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    yield
    if postgres:  # not after a failure: the transaction is over then, and the setting with it
        await session.execute(sa.text("SET LOCAL enable_seqscan = on"))


def customer_from_row(row: Any) -> Customer:
    return from_row(Customer, row)


def _identity_from_row(row: Any) -> ChannelIdentity:
    return from_row(ChannelIdentity, row, channel=Channel)


class SqlCustomerRepository(CustomerRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def _one(self, stmt: sa.Select[Any]) -> Customer | None:
        row = (await self._s.execute(stmt)).first()
        return customer_from_row(row) if row else None

    async def get(self, customer_id: int) -> Customer | None:
        return await self._one(sa.select(customers).where(customers.c.id == customer_id))

    async def lock(self, customer_id: int) -> Customer | None:
        # FOR NO KEY UPDATE: rows that merely reference the customer (ledger, repairs, outbox) take
        # KEY SHARE locks on it through their foreign keys; FOR UPDATE would deadlock against those.
        return await self._one(
            sa.select(customers).where(customers.c.id == customer_id).with_for_update(key_share=True)
        )

    async def get_many(self, customer_ids: Collection[int]) -> dict[int, Customer]:
        if not customer_ids:
            return {}
        async with by_index(self._s):
            rows = await self._s.execute(sa.select(customers).where(customers.c.id.in_(list(customer_ids))))
        return {row.id: customer_from_row(row) for row in rows}

    async def by_phone(self, phone: str) -> Customer | None:
        return await self._one(sa.select(customers).where(customers.c.phone == phone))

    async def by_referral_code(self, code: str) -> Customer | None:
        return await self._one(sa.select(customers).where(customers.c.referral_code == code))

    async def add(self, customer: Customer) -> Customer:
        values = {f: getattr(customer, f) for f in _CUSTOMER_FIELDS}
        try:
            result = await self._s.execute(sa.insert(customers).values(**values).returning(customers.c.id))
        except IntegrityError as exc:
            if "phone" in str(exc.orig):
                raise PhoneAlreadyRegistered(f"{customer.phone} is already registered") from exc
            raise
        customer.id = result.scalar_one()
        customer.points_balance = 0
        return customer

    async def update(self, customer: Customer) -> None:
        values = {f: getattr(customer, f) for f in _CUSTOMER_FIELDS}
        await self._s.execute(sa.update(customers).where(customers.c.id == customer.id).values(**values))

    async def count_referred(self, customer_id: int) -> int:
        value = await self._s.scalar(
            sa.select(sa.func.count()).select_from(customers).where(customers.c.referred_by_id == customer_id)
        )
        return int(value or 0)


class SqlIdentityRepository(IdentityRepository):
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, channel: Channel, external_id: str) -> ChannelIdentity | None:
        row = (
            await self._s.execute(
                sa.select(channel_identities).where(
                    channel_identities.c.channel == channel.value,
                    channel_identities.c.external_id == external_id,
                )
            )
        ).first()
        return _identity_from_row(row) if row else None

    async def of_customer(self, customer_id: int) -> list[ChannelIdentity]:
        rows = await self._s.execute(
            sa.select(channel_identities)
            .where(channel_identities.c.customer_id == customer_id)
            .order_by(channel_identities.c.id)
        )
        return [_identity_from_row(r) for r in rows]

    async def of_customers(self, customer_ids: Collection[int]) -> dict[int, list[ChannelIdentity]]:
        found: dict[int, list[ChannelIdentity]] = {cid: [] for cid in customer_ids}
        if not found:
            return found
        async with by_index(self._s):
            rows = await self._s.execute(
                sa.select(channel_identities)
                .where(channel_identities.c.customer_id.in_(list(found)))
                .order_by(channel_identities.c.id)
            )
        for row in rows:
            found[row.customer_id].append(_identity_from_row(row))
        return found

    async def add(self, identity: ChannelIdentity) -> ChannelIdentity:
        result = await self._s.execute(
            sa.insert(channel_identities)
            .values(
                customer_id=identity.customer_id,
                channel=identity.channel.value,
                external_id=identity.external_id,
                locale_hint=identity.locale_hint,
                created_at=identity.created_at,
                last_inbound_at=identity.last_inbound_at,
                unreachable_at=identity.unreachable_at,
            )
            .returning(channel_identities.c.id)
        )
        identity.id = result.scalar_one()
        return identity

    async def update(self, identity: ChannelIdentity) -> None:
        await self._s.execute(
            sa.update(channel_identities)
            .where(channel_identities.c.id == identity.id)
            .values(
                customer_id=identity.customer_id,
                locale_hint=identity.locale_hint,
                last_inbound_at=identity.last_inbound_at,
                unreachable_at=identity.unreachable_at,
                membership_at=identity.membership_at,
            )
        )

    async def delete_of_customer(self, customer_id: int) -> None:
        await self._s.execute(
            sa.delete(channel_identities).where(channel_identities.c.customer_id == customer_id)
        )
