"""A customer blocked or unblocked the bot: whether delivery may use that channel identity.

Not an inbound message: a block is not the customer writing, so `last_inbound_at` stays as it was
(delivery prefers the channel the customer last wrote from). Nothing is sent either way: a
blocked bot cannot write, and an unblock needs no fanfare.

`at` is when the platform says the change happened. Reports arrive out of order, so one older than
the last change applied changes nothing: a late block does not undo a newer unblock (nor one the
customer wrote after), a late unblock does not undo a newer block or a send refused since.
"""

from __future__ import annotations

from datetime import datetime

from domain.customers import Channel, ChannelIdentity
from domain.events import ChannelBlocked, ChannelUnblocked
from domain.ports import UnitOfWork


async def note_blocked(
    uow: UnitOfWork, channel: Channel, external_id: str, now: datetime
) -> ChannelBlocked | None:
    """Mark the member's identity unreachable at once; None (no event) when it already was, when the
    report is older than the last one applied or than the customer's last message, for a stranger
    and for a deleted account. The caller commits."""
    identity = await _live_identity(uow, channel, external_id)
    if identity is None or _stale(identity, now) or _before(now, identity.last_inbound_at):
        return None
    identity.membership_at = now
    if identity.unreachable_at is not None:
        await uow.identities.update(identity)
        return None
    identity.unreachable_at = now
    await uow.identities.update(identity)
    event = ChannelBlocked(at=now, customer_id=identity.customer_id, channel=channel)
    await uow.record(event)
    return event


async def note_unblocked(
    uow: UnitOfWork, channel: Channel, external_id: str, now: datetime
) -> ChannelUnblocked | None:
    """Make the member's identity reachable again; None (no event) when it already was, when the
    report is older than the last one applied or than a refused send, for a stranger and for a
    deleted account. The caller commits."""
    identity = await _live_identity(uow, channel, external_id)
    if identity is None or _stale(identity, now) or _before(now, identity.unreachable_at):
        return None
    identity.membership_at = now
    if identity.unreachable_at is None:
        await uow.identities.update(identity)
        return None
    identity.unreachable_at = None
    await uow.identities.update(identity)
    event = ChannelUnblocked(at=now, customer_id=identity.customer_id, channel=channel)
    await uow.record(event)
    return event


def _stale(identity: ChannelIdentity, at: datetime) -> bool:
    return _before(at, identity.membership_at)


def _before(at: datetime, other: datetime | None) -> bool:
    # Telegram's dates are whole seconds, ours are not: within the same second a report is not
    # "before" a moment we noted (a block right after a message, an unblock right after a 403)
    return other is not None and at < other.replace(microsecond=0)


async def _live_identity(uow: UnitOfWork, channel: Channel, external_id: str) -> ChannelIdentity | None:
    identity = await uow.identities.get(channel, external_id)
    if identity is None:
        return None
    customer = await uow.customers.get(identity.customer_id)
    if customer is None or customer.is_deleted:
        return None
    return identity
