"""What one delivery round reads and writes once, for its whole batch, instead of once a message.

Under load the round's own units of work are what it waits for (on SQLite each one queues for the
write lock behind the request handlers), so the round reads its recipients in the transaction that
claims the batch and writes every result that sent nothing (skipped, held, failed before a send) in
one transaction at the end. Only a message that reached a platform is recorded on its own, before
its lane sends the next: that is the crash guarantee, and nothing here changes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.customers import ChannelIdentity, Customer
from domain.delivery_policy import CAP_WINDOW
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from scheduler.outcomes import DeliveryStats

# A lane that reaches a customer later than this after their rows were read reads them again, so a
# withdrawn consent or a deletion is seen before a send as it was when each message was read alone.
FRESH = timedelta(seconds=2)


@dataclass
class Recipients:
    """The customers of a batch, their identities and their marketing sent in the cap window."""

    customers: dict[int, Customer] = field(default_factory=dict)
    identities: dict[int, list[ChannelIdentity]] = field(default_factory=dict)
    marketing_sent: dict[int, int] = field(default_factory=dict)
    read_at: dict[int, datetime] = field(default_factory=dict)

    async def read(self, uow: UnitOfWork, messages: Iterable[OutboxMessage], now: datetime) -> None:
        """Three queries, however many messages and customers."""
        messages = list(messages)
        ids = {m.customer_id for m in messages}
        if not ids:
            return
        marketing = {m.customer_id for m in messages if m.marketing}
        found = await uow.customers.get_many(ids)
        for cid in ids:
            if cid in found:
                self.customers[cid] = found[cid]
            else:
                self.customers.pop(cid, None)  # deleted since it was read
        self.identities.update(await uow.identities.of_customers(ids))
        if marketing:
            self.marketing_sent.update(
                await uow.outbox.marketing_sent_since_many(marketing, now - CAP_WINDOW)
            )
        self.read_at.update(dict.fromkeys(ids, now))

    def stale(self, customer_id: int, now: datetime) -> bool:
        read_at = self.read_at.get(customer_id)
        return read_at is None or now - read_at > FRESH

    def customer(self, customer_id: int) -> Customer | None:
        return self.customers.get(customer_id)

    def sent_marketing(self, customer_id: int) -> None:
        """A marketing message just went out: the next one of this customer counts it."""
        self.marketing_sent[customer_id] = self.marketing_sent.get(customer_id, 0) + 1


@dataclass
class Round:
    """One claimed batch: its lease, its recipients, and the results still to be written."""

    until: datetime
    stats: DeliveryStats
    recipients: Recipients = field(default_factory=Recipients)
    unsent: list[OutboxMessage] = field(default_factory=list)
