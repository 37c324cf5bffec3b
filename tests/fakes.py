"""In-memory fakes of the domain's ports: they subclass the ports, so they keep their contracts."""

from __future__ import annotations

import copy
import functools
from datetime import UTC, datetime
from typing import Any

from app.rules_file import load_rules
from domain.customers import Channel, ChannelIdentity, Customer
from domain.delivery import Delivered, MessageSender, SendResult
from domain.dialogue import Dialogue, DialogueRepository, MessageStatusRepository
from domain.errors import AlreadyReversed, InsufficientPoints, PhoneAlreadyRegistered, SourceKeyConflict
from domain.jobs import JobRun
from domain.ledger import Allocation, LedgerEntry
from domain.outbox import OutboxMessage, OutboxStatus
from domain.ports import (
    CustomerRepository,
    IdentityRepository,
    JobRunRepository,
    LedgerRepository,
    OutboxRepository,
    ProcessedEventRepository,
    Reactions,
    RedemptionRepository,
    RepairRepository,
    UnitOfWork,
)
from domain.reactions import ProgramReactions
from domain.redemptions import Redemption, RedemptionStatus
from domain.referrals import PhoneMark, PhoneMarkRepository, Referral, ReferralRepository, ReferralStatus
from domain.repairs import Repair, RepairStatus
from domain.tiers import MemberSpend
from tests.fake_badges import FakeBadges
from tests.fake_feedback import FakeFeedback
from tests.fake_privacy import FakeConsentLog, FakeDataRequests


class Store:
    """What the fakes share across units of work: the 'database'."""

    def __init__(self) -> None:
        self.customers: dict[int, Customer] = {}
        self.identities: dict[int, ChannelIdentity] = {}
        self.entries: dict[int, LedgerEntry] = {}
        self.allocations: list[tuple[int, Allocation]] = []
        self.repairs: dict[int, Repair] = {}
        self.statuses: list[tuple[int, RepairStatus, datetime, str | None]] = []
        self.events: set[str] = set()
        self.outbox: dict[str, OutboxMessage] = {}
        self.jobs: dict[tuple[str, str], str | None] = {}
        self.redemptions: dict[int, Redemption] = {}
        self.dialogues: dict[str, Dialogue] = {}
        self.message_statuses: dict[str, tuple[str, int | None]] = {}
        self.badges: dict[tuple[int, str], datetime] = {}
        self.consent_log: list[Any] = []
        self.data_requests: list[Any] = []
        self.feedback: dict[int, Any] = {}
        self.next_id = 1
        self.referrals: dict[str, Referral] = {}
        self.secret: bytes | None = None
        self.phone_marks: dict[str, PhoneMark] = {}

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class FakeCustomers(CustomerRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, customer_id: int) -> Customer | None:
        c = self.s.customers.get(customer_id)
        return copy.copy(c) if c else None

    async def lock(self, customer_id: int) -> Customer | None:
        return await self.get(customer_id)

    async def by_phone(self, phone: str) -> Customer | None:
        return next((copy.copy(c) for c in self.s.customers.values() if c.phone == phone), None)

    async def by_referral_code(self, code: str) -> Customer | None:
        return next((copy.copy(c) for c in self.s.customers.values() if c.referral_code == code), None)

    async def add(self, customer: Customer) -> Customer:
        if customer.phone and any(c.phone == customer.phone for c in self.s.customers.values()):
            raise PhoneAlreadyRegistered(customer.phone)
        customer.id = self.s.new_id()
        customer.points_balance = 0
        self.s.customers[customer.id] = copy.copy(customer)
        return customer

    async def update(self, customer: Customer) -> None:
        assert customer.id is not None
        stored = self.s.customers[customer.id]
        balance = stored.points_balance
        self.s.customers[customer.id] = copy.copy(customer)
        self.s.customers[customer.id].points_balance = balance

    async def count_referred(self, customer_id: int) -> int:
        return sum(1 for c in self.s.customers.values() if c.referred_by_id == customer_id)


class FakeIdentities(IdentityRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, channel: Channel, external_id: str) -> ChannelIdentity | None:
        return next(
            (
                copy.copy(i)
                for i in self.s.identities.values()
                if i.channel == channel and i.external_id == external_id
            ),
            None,
        )

    async def of_customer(self, customer_id: int) -> list[ChannelIdentity]:
        return [copy.copy(i) for i in self.s.identities.values() if i.customer_id == customer_id]

    async def add(self, identity: ChannelIdentity) -> ChannelIdentity:
        identity.id = self.s.new_id()
        self.s.identities[identity.id] = copy.copy(identity)
        return identity

    async def update(self, identity: ChannelIdentity) -> None:
        assert identity.id is not None
        self.s.identities[identity.id] = copy.copy(identity)

    async def delete_of_customer(self, customer_id: int) -> None:
        for key in [k for k, i in self.s.identities.items() if i.customer_id == customer_id]:
            del self.s.identities[key]


class FakeLedger(LedgerRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def by_source_key(self, source_key: str) -> LedgerEntry | None:
        return next((copy.copy(e) for e in self.s.entries.values() if e.source_key == source_key), None)

    async def get(self, entry_id: int) -> LedgerEntry | None:
        e = self.s.entries.get(entry_id)
        return copy.copy(e) if e else None

    async def reversal_of(self, entry_id: int) -> LedgerEntry | None:
        return next((copy.copy(e) for e in self.s.entries.values() if e.reverses_id == entry_id), None)

    async def open_lots(self, customer_id: int) -> list[LedgerEntry]:
        return [
            copy.copy(e)
            for e in self.s.entries.values()
            if e.customer_id == customer_id and (e.remaining or 0) > 0
        ]

    async def add(self, entry: LedgerEntry, allocations: list[Allocation]) -> LedgerEntry:
        customer = self.s.customers[entry.customer_id]
        if customer.points_balance + entry.points < 0:
            raise InsufficientPoints(-entry.points, customer.points_balance)
        if any(e.source_key == entry.source_key for e in self.s.entries.values()):
            raise SourceKeyConflict(entry.source_key)
        if entry.reverses_id is not None and any(
            e.reverses_id == entry.reverses_id for e in self.s.entries.values()
        ):
            raise AlreadyReversed(str(entry.reverses_id))
        for a in allocations:
            lot = self.s.entries[a.lot_id]
            assert lot.remaining is not None and 0 <= lot.remaining - a.points <= lot.points
        customer.points_balance += entry.points
        entry.id = self.s.new_id()
        self.s.entries[entry.id] = copy.copy(entry)
        for a in allocations:
            lot = self.s.entries[a.lot_id]
            assert lot.remaining is not None
            lot.remaining -= a.points
            self.s.allocations.append((entry.id, a))
        return entry

    async def allocations_of(self, entry_id: int) -> list[Allocation]:
        return [a for eid, a in self.s.allocations if eid == entry_id]

    async def history(
        self, customer_id: int, limit: int = 20, before_id: int | None = None
    ) -> list[LedgerEntry]:
        rows = sorted(
            (
                e
                for e in self.s.entries.values()
                if e.customer_id == customer_id and (before_id is None or (e.id or 0) < before_id)
            ),
            key=lambda e: -(e.id or 0),
        )
        return [copy.copy(e) for e in rows[:limit]]

    async def balance_of(self, customer_id: int) -> int:
        return self.s.customers[customer_id].points_balance

    async def sum_of_entries(self, customer_id: int) -> int:
        return sum(e.points for e in self.s.entries.values() if e.customer_id == customer_id)

    async def forget_reasons(self, customer_id: int) -> None:
        for e in self.s.entries.values():
            if e.customer_id == customer_id:
                e.reason = None

    async def due_lots(self, now: datetime, limit: int) -> list[LedgerEntry]:
        due = [
            e
            for e in self.s.entries.values()
            if (e.remaining or 0) > 0 and e.expires_at is not None and e.expires_at <= now
        ]
        return [copy.copy(e) for e in sorted(due, key=lambda e: (e.expires_at, e.id))[:limit]]

    async def lots_expiring_between(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        return [
            copy.copy(e)
            for e in self.s.entries.values()
            if (e.remaining or 0) > 0 and e.expires_at is not None and start < e.expires_at <= end
        ]


class FakeRepairs(RepairRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def by_order(self, order_id: str, *, lock: bool = False) -> Repair | None:
        return next((copy.copy(r) for r in self.s.repairs.values() if r.order_id == order_id), None)

    async def add(self, repair: Repair) -> Repair:
        repair.id = self.s.new_id()
        self.s.repairs[repair.id] = copy.copy(repair)
        return repair

    async def update(self, repair: Repair) -> None:
        assert repair.id is not None
        self.s.repairs[repair.id] = copy.copy(repair)

    async def add_status(
        self, repair_id: int, status: RepairStatus, occurred_at: datetime, event_id: str | None
    ) -> None:
        self.s.statuses.append((repair_id, status, occurred_at, event_id))

    async def of_customer(self, customer_id: int, limit: int = 20) -> list[Repair]:
        rows = [r for r in self.s.repairs.values() if r.customer_id == customer_id]
        return [
            copy.copy(r) for r in sorted(rows, key=lambda r: (r.created_at, r.id or 0), reverse=True)[:limit]
        ]

    async def link_phone(self, phone: str, customer_id: int, since: datetime) -> list[Repair]:
        linked = []
        for r in self.s.repairs.values():
            if r.phone == phone and r.customer_id is None and r.updated_at >= since:
                r.customer_id = customer_id
                linked.append(copy.copy(r))
        return linked

    async def forget_customer(self, customer_id: int) -> int:
        mine = [r for r in self.s.repairs.values() if r.customer_id == customer_id]
        for r in mine:
            r.phone, r.customer_name, r.device_serial, r.items = "", None, None, ()
        return len(mine)

    async def spent_since(self, customer_id: int, since: datetime) -> int:
        return sum(
            r.paid_money_minor or 0
            for r in self.s.repairs.values()
            if r.customer_id == customer_id
            and r.status == RepairStatus.COMPLETED
            and r.completed_at is not None
            and r.completed_at >= since
        )

    async def spend_of_members_above(
        self, base_tier: str, since: datetime, *, after_id: int, limit: int
    ) -> list[MemberSpend]:
        members = sorted(
            c.id
            for c in self.s.customers.values()
            if c.id is not None
            and c.id > after_id
            and not c.is_deleted
            and c.pd_consent_at is not None
            and c.tier != base_tier
        )[:limit]
        customers = self.s.customers
        return [MemberSpend(cid, customers[cid].tier, await self.spent_since(cid, since)) for cid in members]


class FakeEvents(ProcessedEventRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def claim(self, event_id: str, source: str, at: datetime) -> bool:
        if event_id in self.s.events:
            return False
        self.s.events.add(event_id)
        return True

    async def seen(self, event_id: str) -> bool:
        return event_id in self.s.events


class FakeOutbox(OutboxRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, message: OutboxMessage) -> OutboxMessage:
        existing = self.s.outbox.setdefault(message.dedupe_key, copy.copy(message))
        if existing.id is None:
            existing.id = self.s.new_id()
        return copy.copy(existing)

    def _by_id(self, message_id: int) -> OutboxMessage | None:
        return next((m for m in self.s.outbox.values() if m.id == message_id), None)

    async def due(self, now: datetime, limit: int) -> list[OutboxMessage]:
        due = [
            m
            for m in self.s.outbox.values()
            if m.status == OutboxStatus.PENDING and (m.next_attempt_at or m.created_at) <= now
        ]
        due.sort(key=lambda m: (m.marketing, m.next_attempt_at or m.created_at, m.id or 0))
        return [copy.copy(m) for m in due[:limit]]

    async def claim(
        self, now: datetime, limit: int, until: datetime, *, marketing_limit: int | None = None
    ) -> list[OutboxMessage]:
        claimed = await self.due(now, limit)
        if marketing_limit is not None:
            kept = [m for m in claimed if m.marketing][:marketing_limit]
            claimed = [m for m in claimed if not m.marketing] + kept
        for m in claimed:
            m.next_attempt_at = until
            self.s.outbox[m.dedupe_key].next_attempt_at = until
        return claimed

    async def finish(self, message: OutboxMessage, leased_until: datetime) -> bool:
        stored = self.s.outbox[message.dedupe_key]
        if stored.status != OutboxStatus.PENDING or stored.next_attempt_at != leased_until:
            return False
        self.s.outbox[message.dedupe_key] = copy.copy(message)
        return True

    async def marketing_sent_since(self, customer_id: int, since: datetime) -> int:
        return sum(
            1
            for m in self.s.outbox.values()
            if m.customer_id == customer_id
            and m.marketing
            and m.status == OutboxStatus.SENT
            and m.sent_at is not None
            and m.sent_at >= since
        )

    async def get(self, message_id: int) -> OutboxMessage | None:
        m = self._by_id(message_id)
        return copy.copy(m) if m else None

    async def by_dedupe_key(self, dedupe_key: str) -> OutboxMessage | None:
        m = self.s.outbox.get(dedupe_key)
        return copy.copy(m) if m else None

    async def save_result(self, message: OutboxMessage) -> None:
        self.s.outbox[message.dedupe_key] = copy.copy(message)

    async def forget_customer(self, customer_id: int) -> None:
        for m in self.s.outbox.values():
            if m.customer_id == customer_id:
                m.context = {}
                if m.status == OutboxStatus.PENDING:
                    m.status, m.error = OutboxStatus.SKIPPED, "customer_deleted"
                if m.provider_message_id is not None:
                    m.provider_message_id = f"erased:{self.s.new_id()}"

    async def by_provider_id(self, provider_message_id: str) -> OutboxMessage | None:
        return next(
            (copy.copy(m) for m in self.s.outbox.values() if m.provider_message_id == provider_message_id),
            None,
        )


class FakeJobs(JobRunRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def claim(self, job: str, run_key: str, at: datetime) -> bool:
        if (job, run_key) in self.s.jobs:
            return False
        self.s.jobs[(job, run_key)] = None
        return True

    async def finish(self, job: str, run_key: str, at: datetime, detail: str) -> None:
        self.s.jobs[(job, run_key)] = detail

    async def get(self, job: str, run_key: str) -> JobRun | None:
        if (job, run_key) not in self.s.jobs:
            return None
        detail = self.s.jobs[(job, run_key)]
        at = datetime.min.replace(tzinfo=UTC)
        return JobRun(
            job, run_key, started_at=at, finished_at=at if detail is not None else None, detail=detail
        )

    async def take_over(self, job: str, run_key: str, started_at: datetime, at: datetime) -> bool:
        return (job, run_key) in self.s.jobs and self.s.jobs[(job, run_key)] is None

    async def release(self, job: str, run_key: str) -> None:
        if self.s.jobs.get((job, run_key), "") is None:
            del self.s.jobs[(job, run_key)]


class FakeRedemptions(RedemptionRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, redemption: Redemption) -> Redemption:
        redemption.id = self.s.new_id()
        self.s.redemptions[redemption.id] = copy.copy(redemption)
        return redemption

    async def get(self, redemption_id: int, *, lock: bool = False) -> Redemption | None:
        r = self.s.redemptions.get(redemption_id)
        return copy.copy(r) if r else None

    async def update(self, redemption: Redemption) -> None:
        assert redemption.id is not None
        self.s.redemptions[redemption.id] = copy.copy(redemption)

    async def confirmed_for_order(self, customer_id: int, order_id: str) -> list[Redemption]:
        return [
            copy.copy(r)
            for r in sorted(self.s.redemptions.values(), key=lambda r: r.id or 0)
            if r.customer_id == customer_id
            and r.order_id == order_id
            and r.status == RedemptionStatus.CONFIRMED
        ]

    async def of_order(self, order_id: str) -> list[Redemption]:
        return [
            copy.copy(r)
            for r in sorted(self.s.redemptions.values(), key=lambda r: r.id or 0)
            if r.order_id == order_id
        ]


@functools.cache
def shipped_reactions() -> Reactions:
    """The reactions the composition root builds, from the shipped rules (the `rules` fixture's)."""
    return ProgramReactions(load_rules())


class FakeDialogues(DialogueRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, key: str) -> Dialogue | None:
        d = self.s.dialogues.get(key)
        return copy.deepcopy(d) if d else None

    async def save(self, dialogue: Dialogue) -> None:
        self.s.dialogues[dialogue.key] = copy.deepcopy(dialogue)

    async def delete(self, key: str) -> None:
        self.s.dialogues.pop(key, None)

    async def delete_older_than(self, moment: datetime) -> None:
        for key in [k for k, d in self.s.dialogues.items() if d.updated_at < moment]:
            del self.s.dialogues[key]


class FakeMessageStatuses(MessageStatusRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def get(self, message_sid: str) -> tuple[str, int | None] | None:
        return self.s.message_statuses.get(message_sid)

    async def put(self, message_sid: str, status: str, error_code: int | None, at: datetime) -> None:
        self.s.message_statuses[message_sid] = (status, error_code)


class FakeUnitOfWork(UnitOfWork):
    """Commits by keeping the store; rolls back by restoring the snapshot taken on entry.

    Its commit reacts to the recorded events exactly as the SQL unit of work does.
    """

    def __init__(self, store: Store | None = None, reactions: Reactions | None = None) -> None:
        super().__init__(reactions or shipped_reactions())
        self.store = store or Store()
        self.committed = False
        self._snapshot: dict[str, Any] | None = None

    async def __aenter__(self) -> FakeUnitOfWork:
        self._snapshot = copy.deepcopy(self.store.__dict__)
        s = self.store
        self.customers = FakeCustomers(s)
        self.identities = FakeIdentities(s)
        self.ledger = FakeLedger(s)
        self.repairs = FakeRepairs(s)
        self.events = FakeEvents(s)
        self.outbox = FakeOutbox(s)
        self.jobs = FakeJobs(s)
        self.redemptions = FakeRedemptions(s)
        self.dialogues = FakeDialogues(s)
        self.message_statuses = FakeMessageStatuses(s)
        self.referrals = FakeReferrals(s)
        self.phone_marks = FakePhoneMarks(s)
        self.badges = FakeBadges(s)
        self.consents = FakeConsentLog(s)
        self.data_requests = FakeDataRequests(s)
        self.feedback = FakeFeedback(s)
        return self

    async def _commit(self) -> None:
        self._snapshot = copy.deepcopy(self.store.__dict__)
        self.committed = True

    async def _rollback(self) -> None:
        if self._snapshot is not None:
            self.store.__dict__.update(copy.deepcopy(self._snapshot))


class RecordingSender(MessageSender):
    """A sender that records what it was asked to send and answers from a script."""

    def __init__(self, channel: Channel, *answers: SendResult) -> None:
        self.channel = channel
        self.answers = list(answers)
        self.sent: list[tuple[str, str]] = []

    async def send(self, identity: ChannelIdentity, message: OutboxMessage, text: str) -> SendResult:
        self.sent.append((identity.external_id, text))
        return self.answers.pop(0) if self.answers else Delivered("msg-1")


class FakeReferrals(ReferralRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def add(self, referral: Referral) -> Referral:
        if referral.source_key not in self.s.referrals:
            stored = copy.copy(referral)
            stored.id = self.s.new_id()
            self.s.referrals[referral.source_key] = stored
        return copy.copy(self.s.referrals[referral.source_key])

    async def of_friend(self, friend_id: int, *, lock: bool = False) -> Referral | None:
        found = self.s.referrals.get(f"friend:{friend_id}")
        return copy.copy(found) if found else None

    async def decide(self, referral: Referral, expected: ReferralStatus) -> bool:
        stored = self.s.referrals[referral.source_key]
        if stored.status is not expected:
            return False
        self.s.referrals[referral.source_key] = copy.copy(referral)
        return True

    async def of_referrer(self, referrer_id: int) -> list[Referral]:
        found = [r for r in self.s.referrals.values() if r.referrer_id == referrer_id]
        return [copy.copy(r) for r in sorted(found, key=lambda r: r.id or 0)]

    async def rewarded_between(self, referrer_id: int, start: datetime, end: datetime) -> int:
        return sum(
            1
            for r in self.s.referrals.values()
            if r.referrer_id == referrer_id and r.rewarded_at is not None and start <= r.rewarded_at < end
        )

    async def serial_seen_elsewhere(self, serial: str, customer_id: int, order_id: str) -> bool:
        return any(
            r.device_serial is not None
            and _bare_serial(r.device_serial) == _bare_serial(serial)
            and r.order_id != order_id
            and r.customer_id != customer_id
            for r in self.s.repairs.values()
        )


def _bare_serial(serial: str) -> str:
    """As the store compares serials: without spaces, hyphens and case."""
    return serial.replace(" ", "").replace("-", "").upper()


class FakePhoneMarks(PhoneMarkRepository):
    def __init__(self, store: Store) -> None:
        self.s = store

    async def installation_secret(self, candidate: bytes, now: datetime) -> bytes:
        if self.s.secret is None:
            self.s.secret = candidate
        return self.s.secret

    async def get(self, fingerprint: str) -> PhoneMark | None:
        return self.s.phone_marks.get(fingerprint)

    async def mark(self, fingerprint: str, now: datetime, *, welcome_granted: bool, referred: bool) -> None:
        old = self.s.phone_marks.get(fingerprint)
        self.s.phone_marks[fingerprint] = PhoneMark(
            fingerprint,
            old.first_seen_at if old else now,
            welcome_granted or (old.welcome_granted if old else False),
            referred or (old.referred if old else False),
        )
