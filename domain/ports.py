"""Ports owned by the domain. SQLAlchemy implements them in store/, tests fake them."""

from __future__ import annotations

import abc
from collections import deque
from collections.abc import Collection
from datetime import datetime
from types import TracebackType
from typing import Self

from domain.badges import BadgeRepository
from domain.birthday_bonus import BirthdayRepository
from domain.campaigns import CampaignRepository
from domain.consents import ConsentLog
from domain.customers import Channel, ChannelIdentity, Customer
from domain.data_requests import DataRequestLog
from domain.dialogue import DialogueRepository, MessageStatusRepository
from domain.events import Event
from domain.feedback import FeedbackRepository
from domain.jobs import JobRun
from domain.ledger import Allocation, LedgerEntry
from domain.offer_codes import OfferCodeRepository
from domain.outbound_webhooks import OutboundWebhookRepository
from domain.outbox import OutboxMessage
from domain.quotes import QuoteAnswerRepository
from domain.reconciliation import LedgerAudit
from domain.redemptions import Redemption
from domain.referrals import PhoneMarkRepository, ReferralRepository
from domain.repairs import Repair, RepairStatus
from domain.reports import Reports
from domain.segments import SegmentRepository
from domain.tiers import MemberSpend


class CustomerRepository(abc.ABC):
    @abc.abstractmethod
    async def get(self, customer_id: int) -> Customer | None: ...

    @abc.abstractmethod
    async def lock(self, customer_id: int) -> Customer | None:
        """Fetch and lock the row until the unit of work ends (serialises ledger changes)."""

    @abc.abstractmethod
    async def by_phone(self, phone: str) -> Customer | None: ...

    @abc.abstractmethod
    async def by_referral_code(self, code: str) -> Customer | None: ...

    @abc.abstractmethod
    async def add(self, customer: Customer) -> Customer:
        """Insert and assign `id`. A duplicate phone raises PhoneAlreadyRegistered."""

    @abc.abstractmethod
    async def update(self, customer: Customer) -> None:
        """Save profile, consent and tier fields. Never the balance: see LedgerRepository."""

    @abc.abstractmethod
    async def count_referred(self, customer_id: int) -> int:
        """How many customers registered through this one's link."""

    async def get_many(self, customer_ids: Collection[int]) -> dict[int, Customer]:
        """Those of the customers that exist, by id: one query in the store, for a whole batch."""
        found = {cid: await self.get(cid) for cid in customer_ids}
        return {cid: customer for cid, customer in found.items() if customer is not None}


class IdentityRepository(abc.ABC):
    @abc.abstractmethod
    async def get(self, channel: Channel, external_id: str) -> ChannelIdentity | None: ...

    @abc.abstractmethod
    async def of_customer(self, customer_id: int) -> list[ChannelIdentity]: ...

    @abc.abstractmethod
    async def add(self, identity: ChannelIdentity) -> ChannelIdentity: ...

    @abc.abstractmethod
    async def update(self, identity: ChannelIdentity) -> None: ...

    @abc.abstractmethod
    async def delete_of_customer(self, customer_id: int) -> None: ...

    async def of_customers(self, customer_ids: Collection[int]) -> dict[int, list[ChannelIdentity]]:
        """`of_customer` for each of them (every id a key): one query in the store."""
        return {cid: await self.of_customer(cid) for cid in customer_ids}


class LedgerRepository(abc.ABC):
    @abc.abstractmethod
    async def by_source_key(self, source_key: str) -> LedgerEntry | None: ...

    @abc.abstractmethod
    async def get(self, entry_id: int) -> LedgerEntry | None: ...

    @abc.abstractmethod
    async def reversal_of(self, entry_id: int) -> LedgerEntry | None: ...

    @abc.abstractmethod
    async def open_lots(self, customer_id: int) -> list[LedgerEntry]:
        """Lots with points left, in no particular order."""

    @abc.abstractmethod
    async def add(self, entry: LedgerEntry, allocations: list[Allocation]) -> LedgerEntry:
        """Append the entry, apply its allocations to their lots, move the stored balance.

        The balance moves by one conditional UPDATE that refuses to go below zero
        (InsufficientPoints), so no check-then-act race can overdraw an account.
        """

    @abc.abstractmethod
    async def allocations_of(self, entry_id: int) -> list[Allocation]: ...

    @abc.abstractmethod
    async def history(
        self, customer_id: int, limit: int = 20, before_id: int | None = None
    ) -> list[LedgerEntry]:
        """Newest first."""

    @abc.abstractmethod
    async def balance_of(self, customer_id: int) -> int:
        """The stored balance."""

    @abc.abstractmethod
    async def sum_of_entries(self, customer_id: int) -> int: ...

    @abc.abstractmethod
    async def forget_reasons(self, customer_id: int) -> None:
        """Clear the free text (a staff member's reason) of a deleted customer's entries; the
        points, kinds, dates and source keys stay, so the books still balance."""

    @abc.abstractmethod
    async def due_lots(self, now: datetime, limit: int) -> list[LedgerEntry]:
        """Lots with points left whose expiry has passed, oldest first, across customers."""

    @abc.abstractmethod
    async def lots_expiring_between(self, start: datetime, end: datetime) -> list[LedgerEntry]: ...


class RepairRepository(abc.ABC):
    @abc.abstractmethod
    async def by_order(self, order_id: str, *, lock: bool = False) -> Repair | None: ...

    @abc.abstractmethod
    async def add(self, repair: Repair) -> Repair: ...

    @abc.abstractmethod
    async def update(self, repair: Repair) -> None: ...

    @abc.abstractmethod
    async def add_status(
        self, repair_id: int, status: RepairStatus, occurred_at: datetime, event_id: str | None
    ) -> None: ...

    @abc.abstractmethod
    async def of_customer(self, customer_id: int, limit: int = 20) -> list[Repair]:
        """Newest first."""

    @abc.abstractmethod
    async def link_phone(self, phone: str, customer_id: int, since: datetime) -> list[Repair]:
        """Attach the repairs kept for a non-member phone to the new customer: those whose last
        event is at `since` or later (older ones may be a previous owner's of the number)."""

    @abc.abstractmethod
    async def spent_since(self, customer_id: int, since: datetime) -> int:
        """Money paid (minor units) on repairs completed since `since`."""

    @abc.abstractmethod
    async def spend_of_members_above(
        self, base_tier: str, since: datetime, *, after_id: int, limit: int
    ) -> list[MemberSpend]:
        """Live members whose tier is not `base_tier`, by id after `after_id`, each with the money
        paid on repairs completed since `since` (0 for none): one query, never one per member."""

    @abc.abstractmethod
    async def forget_customer(self, customer_id: int) -> int:
        """Erase personal data (phone, name, serial, the item texts) from a deleted customer's
        repairs; amounts, categories and dates stay."""


class ProcessedEventRepository(abc.ABC):
    @abc.abstractmethod
    async def claim(self, event_id: str, source: str, at: datetime) -> bool:
        """Record the event id; False when it was already there (a duplicate)."""

    @abc.abstractmethod
    async def seen(self, event_id: str) -> bool:
        """Whether the event id was recorded already."""


class OutboxRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, message: OutboxMessage) -> OutboxMessage:
        """Queue a message; a repeated `dedupe_key` keeps the first and returns it."""

    @abc.abstractmethod
    async def due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Pending messages whose time has come: transactional before marketing, oldest due first."""

    @abc.abstractmethod
    async def claim(
        self, now: datetime, limit: int, until: datetime, *, marketing_limit: int | None = None
    ) -> list[OutboxMessage]:
        """Lease up to `limit` due messages (in `due`'s order) until `until`, skipping any that
        another worker holds; each comes back with `next_attempt_at == until`, its lease.
        `marketing_limit`: at most that many of them marketing."""

    @abc.abstractmethod
    async def finish(self, message: OutboxMessage, leased_until: datetime) -> bool:
        """`save_result` for a message still under the lease `leased_until`; False (nothing
        written) when that lease has run out and another worker may have the message."""

    @abc.abstractmethod
    async def marketing_sent_since(self, customer_id: int, since: datetime) -> int:
        """How many marketing messages were sent to the customer since `since`."""

    @abc.abstractmethod
    async def get(self, message_id: int) -> OutboxMessage | None: ...

    @abc.abstractmethod
    async def by_dedupe_key(self, dedupe_key: str) -> OutboxMessage | None:
        """The message queued under this key, whatever became of it."""

    @abc.abstractmethod
    async def save_result(self, message: OutboxMessage) -> None:
        """Store status, attempts, next attempt, error, channel and provider id."""

    @abc.abstractmethod
    async def by_provider_id(self, provider_message_id: str) -> OutboxMessage | None: ...

    @abc.abstractmethod
    async def forget_customer(self, customer_id: int) -> None:
        """Empty the contexts of a deleted customer's messages, skip the pending ones, and replace
        their provider ids (a Telegram id names the chat; a Twilio SID finds the phone at Twilio)
        with random ones, re-keying the delivery statuses so the campaigns' counts stay."""

    async def marketing_sent_since_many(
        self, customer_ids: Collection[int], since: datetime
    ) -> dict[int, int]:
        """`marketing_sent_since` for each of them (every id a key): one query in the store."""
        return {cid: await self.marketing_sent_since(cid, since) for cid in customer_ids}


class JobRunRepository(abc.ABC):
    @abc.abstractmethod
    async def claim(self, job: str, run_key: str, at: datetime) -> bool:
        """Mark a job run as taken; False when someone (a replica, an earlier run) has it."""

    @abc.abstractmethod
    async def finish(self, job: str, run_key: str, at: datetime, detail: str) -> None: ...

    @abc.abstractmethod
    async def get(self, job: str, run_key: str) -> JobRun | None: ...

    @abc.abstractmethod
    async def take_over(self, job: str, run_key: str, started_at: datetime, at: datetime) -> bool:
        """Restart an unfinished run still marked as started at `started_at`; False if someone else did."""

    @abc.abstractmethod
    async def release(self, job: str, run_key: str) -> None:
        """Drop an unfinished claim (its run failed), so the next attempt may run."""


class RedemptionRepository(abc.ABC):
    @abc.abstractmethod
    async def add(self, redemption: Redemption) -> Redemption: ...

    @abc.abstractmethod
    async def get(self, redemption_id: int, *, lock: bool = False) -> Redemption | None: ...

    @abc.abstractmethod
    async def update(self, redemption: Redemption) -> None: ...

    @abc.abstractmethod
    async def confirmed_for_order(self, customer_id: int, order_id: str) -> list[Redemption]: ...

    @abc.abstractmethod
    async def of_order(self, order_id: str) -> list[Redemption]:
        """Every redemption naming the order, whoever asked for it, oldest first."""


class Reactions(abc.ABC):
    """What follows from what happened, inside the unit of work that recorded it (domain/reactions.py)."""

    @abc.abstractmethod
    async def react(self, uow: UnitOfWork, event: Event) -> None:
        """Act on one event with `uow`'s repositories; may record further events."""


class UnitOfWork(abc.ABC):
    """One transaction. Only the unit of work commits; leaving without commit rolls back.

    A use case `record`s what happened; the reactions act on it at once, in this same transaction
    (and on the events they record in turn, in order), so the rest of the transaction sees what
    followed (the desk reads the code's message before commit) and it all commits or rolls back
    together.
    """

    customers: CustomerRepository
    identities: IdentityRepository
    ledger: LedgerRepository
    repairs: RepairRepository
    events: ProcessedEventRepository
    outbox: OutboxRepository
    jobs: JobRunRepository
    redemptions: RedemptionRepository
    dialogues: DialogueRepository
    message_statuses: MessageStatusRepository
    segments: SegmentRepository
    audit: LedgerAudit
    birthdays: BirthdayRepository
    campaigns: CampaignRepository
    reports: Reports
    referrals: ReferralRepository
    phone_marks: PhoneMarkRepository
    offer_codes: OfferCodeRepository
    quote_answers: QuoteAnswerRepository
    outbound_webhooks: OutboundWebhookRepository
    badges: BadgeRepository
    data_requests: DataRequestLog
    consents: ConsentLog
    feedback: FeedbackRepository

    def __init__(self, reactions: Reactions) -> None:
        self._reactions = reactions
        self._recorded: deque[Event] = deque()
        self._reacting = False

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.rollback()

    async def record(self, *events: Event) -> None:
        self._recorded.extend(events)
        if self._reacting:
            return  # recorded by a reaction: the loop below takes it in its turn
        self._reacting = True
        try:
            while self._recorded:
                await self._reactions.react(self, self._recorded.popleft())
        finally:
            self._reacting = False

    async def commit(self) -> None:
        await self.record()  # nothing recorded is committed without what follows from it
        await self._commit()

    async def rollback(self) -> None:
        self._recorded.clear()  # what was not committed did not happen
        await self._rollback()

    @abc.abstractmethod
    async def _commit(self) -> None: ...

    @abc.abstractmethod
    async def _rollback(self) -> None: ...
