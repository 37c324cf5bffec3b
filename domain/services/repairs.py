"""Repair events: the order's status machine. Earning is in earning.py; what follows, in reactions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.events import Event, RepairCancelled, RepairCompleted, RepairStatusChanged, TierUpgraded
from domain.ledger import LedgerResult
from domain.ports import UnitOfWork
from domain.repairs import FINAL_STATUSES, RecordRepairEvent, Repair, RepairStatus, money_paid
from domain.rules import ProgramRules, Tier
from domain.services.earning import earn_for_repair, take_back_for_cancelled
from domain.services.repair_owners import (
    FORGOTTEN_PHONE,
    is_forgotten,
    live_member,
    lock_owner_first,
    locked_member,
    remembered_phone,
    resolve_owner,
)
from domain.services.tiers import apply_tier_upgrade

EVENT_SOURCE = "repairs"


@dataclass
class RepairOutcome:
    duplicate: bool = False
    repair: Repair | None = None
    status_changed: bool = False
    earned: LedgerResult | None = None
    tier_upgrade: Tier | None = None
    reversed: list[LedgerResult] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


async def record_repair_event(
    uow: UnitOfWork, rules: ProgramRules, event: RecordRepairEvent, now: datetime
) -> RepairOutcome:
    """Apply one repair-system event once (its id is claimed in this same transaction)."""
    if not await uow.events.claim(f"{EVENT_SOURCE}:{event.event_id}", EVENT_SOURCE, now):
        return RepairOutcome(duplicate=True)
    await lock_owner_first(uow, event.order_id, event.phone)
    repair = await uow.repairs.by_order(event.order_id, lock=True)
    is_new = repair is None
    if repair is None:
        repair = await uow.repairs.add(await _new_repair(uow, event, now))
    else:
        await resolve_owner(uow, repair, event.phone)
    assert repair.id is not None
    # Late events are kept in the history but never move the order back. A final status still
    # closes an open order whatever its timestamp (a completion stamped a minute before "ready"
    # must not lose the customer's points); between two final statuses the timestamp decides,
    # so a cancellation that happened before the completion does not undo it when it arrives late.
    closes_open_order = event.status in FINAL_STATUSES and not repair.is_final
    stale = (
        not is_new
        and not closes_open_order
        and repair.status_at is not None
        and event.occurred_at < repair.status_at
    )
    await uow.repairs.add_status(repair.id, event.status, event.occurred_at, event.event_id)
    outcome = RepairOutcome(repair=repair)
    if not stale:
        _describe(repair, event)
        await _move(uow, rules, repair, event, is_new, now, outcome)
    repair.updated_at = now
    await uow.repairs.update(repair)
    await uow.record(*outcome.events)
    return outcome


async def _move(
    uow: UnitOfWork,
    rules: ProgramRules,
    repair: Repair,
    event: RecordRepairEvent,
    is_new: bool,
    now: datetime,
    outcome: RepairOutcome,
) -> None:
    if event.status is RepairStatus.COMPLETED:
        if not repair.is_final:
            await _complete(uow, rules, repair, event, now, outcome)
    elif event.status is RepairStatus.CANCELLED:
        # A cancellation that happened after the completion reverses it (once).
        if repair.status is not RepairStatus.CANCELLED:
            await _cancel(uow, repair, event, now, outcome)
    elif is_new or not repair.is_final:
        requoted = event.status is RepairStatus.WAITING_APPROVAL and _quote(repair) != _quote(event)
        outcome.status_changed = is_new or repair.status is not event.status or requoted
        repair.status, repair.status_at = event.status, event.occurred_at
        if event.status is RepairStatus.WAITING_APPROVAL:
            repair.quote_amount_minor, repair.quote_text = event.quote_amount_minor, event.quote_text
        if outcome.status_changed:
            outcome.events.append(_status_changed(repair, now))


async def _new_repair(uow: UnitOfWork, event: RecordRepairEvent, now: datetime) -> Repair:
    owner = await live_member(uow, event.phone)
    # A deleted account's phone on a new order: kept as forgotten history (no phone, name or
    # serial); should the phone register again, a later event of the order links it (resolve_owner).
    erased = owner is None and await remembered_phone(uow, event.phone, now)
    return Repair(
        order_id=event.order_id,
        phone=FORGOTTEN_PHONE if erased else event.phone,
        # A first event that is already final goes through completion/cancellation like any other.
        status=RepairStatus.RECEIVED if event.status in FINAL_STATUSES else event.status,
        device_category=event.device_category,
        created_at=now,
        updated_at=now,
        customer_id=owner.id if owner is not None else None,
        customer_name=None if erased else event.customer_name,
        status_at=event.occurred_at,
    )


def _describe(repair: Repair, event: RecordRepairEvent) -> None:
    """Take the newest description of the order (device, eta, items) from a current event."""
    repair.device_category = event.device_category
    repair.device_brand = event.device_brand or repair.device_brand
    repair.device_model = event.device_model or repair.device_model
    repair.eta = event.eta or repair.eta
    if event.items is not None and not repair.is_final:
        repair.items = event.items
    if is_forgotten(repair):
        return  # personal data of a deleted account is never written back
    repair.customer_name = event.customer_name or repair.customer_name
    repair.device_serial = event.device_serial or repair.device_serial


async def _complete(
    uow: UnitOfWork,
    rules: ProgramRules,
    repair: Repair,
    event: RecordRepairEvent,
    now: datetime,
    outcome: RepairOutcome,
) -> None:
    assert event.amount_minor is not None, "the edge requires an amount on completion"
    repair.amount_minor = event.amount_minor
    if event.items is not None:
        repair.items = event.items
    repair.status = RepairStatus.COMPLETED
    repair.status_at = _later(repair.status_at, event.occurred_at)
    repair.completed_at = min(event.occurred_at, now)
    outcome.status_changed = True
    excluded = rules.earning.excluded_item_kinds
    repair.paid_money_minor = money_paid(repair.amount_minor, repair.items, 0, excluded)
    # The customer's lock serialises this with a desk confirmation for the same order.
    customer = await locked_member(uow, repair)
    if customer is not None and customer.id is not None:
        confirmed = await uow.redemptions.confirmed_for_order(customer.id, repair.order_id)
        repair.points_used = sum(r.points for r in confirmed)
        points_money = repair.points_used * rules.redemption.minor_per_point
        repair.paid_money_minor = money_paid(repair.amount_minor, repair.items, points_money, excluded)
    outcome.events.append(
        RepairCompleted(
            at=now,
            order_id=repair.order_id,
            customer_id=customer.id if customer is not None else None,
            amount_minor=repair.amount_minor,
            paid_minor=repair.paid_money_minor,
            points_used=repair.points_used,
        )
    )
    if customer is None or customer.id is None:
        return
    await uow.repairs.update(repair)  # the tier below reads this repair's spend
    outcome.earned = await earn_for_repair(uow, rules, customer, repair, now, outcome.events)
    outcome.tier_upgrade = await apply_tier_upgrade(uow, rules, customer, now)
    if outcome.tier_upgrade is not None:
        outcome.events.append(
            TierUpgraded(
                at=now, customer_id=customer.id, tier_key=outcome.tier_upgrade.key, order_id=repair.order_id
            )
        )


async def _cancel(
    uow: UnitOfWork, repair: Repair, event: RecordRepairEvent, now: datetime, outcome: RepairOutcome
) -> None:
    repair.status = RepairStatus.CANCELLED
    repair.status_at = _later(repair.status_at, event.occurred_at)
    repair.cancelled_at = min(event.occurred_at, now)
    outcome.status_changed = True
    customer = await locked_member(uow, repair)
    if customer is None or customer.id is None:
        outcome.events.append(RepairCancelled(at=now, order_id=repair.order_id, customer_id=None))
        return
    done = await take_back_for_cancelled(uow, customer, repair, now, outcome.events)
    outcome.reversed.extend(done.results)
    outcome.events.append(
        RepairCancelled(
            at=now,
            order_id=repair.order_id,
            customer_id=customer.id,
            taken_back=done.taken_back,
            given_back=done.given_back,
            balance=await uow.ledger.balance_of(customer.id),
        )
    )


def _quote(of: Repair | RecordRepairEvent) -> tuple[int | None, str | None]:
    return of.quote_amount_minor, of.quote_text


def _later(current: datetime | None, occurred_at: datetime) -> datetime:
    return occurred_at if current is None else max(current, occurred_at)


def _status_changed(repair: Repair, now: datetime) -> RepairStatusChanged:
    waiting = repair.status is RepairStatus.WAITING_APPROVAL
    return RepairStatusChanged(
        at=now,
        order_id=repair.order_id,
        customer_id=repair.customer_id,
        status=repair.status,
        device_category=repair.device_category,
        device_brand=repair.device_brand,
        device_model=repair.device_model,
        eta=repair.eta,
        quote_amount_minor=repair.quote_amount_minor if waiting else None,
        quote_text=repair.quote_text if waiting else None,
    )
