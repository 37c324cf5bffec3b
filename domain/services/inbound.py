"""A customer wrote to us: who they are, and what that tells delivery about the channel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.customers import Channel, ChannelIdentity, Customer
from domain.ports import UnitOfWork


@dataclass(frozen=True)
class Sender:
    identity: ChannelIdentity
    customer: Customer
    refreshed: bool  # the identity was written: there is something to commit


async def note_inbound(
    uow: UnitOfWork, channel: Channel, external_id: str, now: datetime, *, refresh_after: timedelta
) -> Sender | None:
    """The live member behind `external_id` (None for a stranger), with the identity brought up to date.

    A customer who writes again is reachable (they unblocked the bot). `last_inbound_at` moves
    when it is older than `refresh_after`: WhatsApp's 24-hour window needs it on every message
    (zero), while Telegram only needs the channel used lately, which spares a write per update.
    Returns None for a deleted account as for a stranger. The caller commits.
    """
    identity = await uow.identities.get(channel, external_id)
    if identity is None:
        return None
    customer = await uow.customers.get(identity.customer_id)
    if customer is None or customer.is_deleted:
        return None
    last = identity.last_inbound_at
    stale = last is None or now - last > refresh_after or refresh_after <= timedelta(0)
    refreshed = stale or identity.unreachable_at is not None
    if refreshed:
        identity.last_inbound_at, identity.unreachable_at = now, None
        await uow.identities.update(identity)
    return Sender(identity, customer, refreshed)
