"""A customer blocked or unblocked the bot: whether delivery may use that channel identity.

Not an inbound message: a block is not the customer writing, so `last_inbound_at` stays as it was
(delivery prefers the channel the customer last wrote from). Nothing is sent either way: a
blocked bot cannot write, and an unblock needs no fanfare.
"""

from __future__ import annotations

from datetime import datetime

from domain.customers import Channel, ChannelIdentity
from domain.events import ChannelBlocked, ChannelUnblocked
from domain.ports import UnitOfWork


async def note_blocked(
    uow: UnitOfWork, channel: Channel, external_id: str, now: datetime
) -> ChannelBlocked | None:
    """Mark the member's identity unreachable at once; None (nothing written) when it already was,
    for a stranger and for a deleted account. The caller commits."""
    identity = await _live_identity(uow, channel, external_id)
    if identity is None or identity.unreachable_at is not None:
        return None
    identity.unreachable_at = now
    await uow.identities.update(identity)
    event = ChannelBlocked(at=now, customer_id=identity.customer_id, channel=channel)
    await uow.record(event)
    return event


async def note_unblocked(
    uow: UnitOfWork, channel: Channel, external_id: str, now: datetime
) -> ChannelUnblocked | None:
    """Make the member's identity reachable again; None (nothing written) when it already was, for
    a stranger and for a deleted account. The caller commits."""
    identity = await _live_identity(uow, channel, external_id)
    if identity is None or identity.unreachable_at is None:
        return None
    identity.unreachable_at = None
    await uow.identities.update(identity)
    event = ChannelUnblocked(at=now, customer_id=identity.customer_id, channel=channel)
    await uow.record(event)
    return event


async def _live_identity(uow: UnitOfWork, channel: Channel, external_id: str) -> ChannelIdentity | None:
    identity = await uow.identities.get(channel, external_id)
    if identity is None:
        return None
    customer = await uow.customers.get(identity.customer_id)
    if customer is None or customer.is_deleted:
        return None
    return identity
