"""Repair events: orders and their status history, points on completion, reversal on cancellation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.customers import Customer
from domain.ledger import EntryKind, LedgerResult
from domain.outbox import OutboxMessage
from domain.ports import UnitOfWork
from domain.repairs import (
    FINAL_STATUSES,
    NOTIFIED_STATUSES,
    RecordRepairEvent,
    Repair,
    RepairStatus,
    money_paid,
    points_for,
)
from domain.rules import ProgramRules, Tier
from domain.services.points import earn_points, reverse_entry
from domain.services.repair_owners import (
    is_forgotten,
    live_member,
    lock_owner_first,
    locked_member,
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


def earn_source_key(order_id: str) -> str:
    return f"repair:{order_id}"


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
        outcome.status_changed = is_new or repair.status is not event.status
        repair.status, repair.status_at = event.status, event.occurred_at
        if outcome.status_changed:
            await _notify_status(uow, repair, now)


async def _new_repair(uow: UnitOfWork, event: RecordRepairEvent, now: datetime) -> Repair:
    owner = await live_member(uow, event.phone)
    return Repair(
        order_id=event.order_id,
        phone=event.phone,
        # A first event that is already final goes through completion/cancellation like any other.
        status=RepairStatus.RECEIVED if event.status in FINAL_STATUSES else event.status,
        device_category=event.device_category,
        created_at=now,
        updated_at=now,
        customer_id=owner.id if owner is not None else None,
        customer_name=event.customer_name,
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
    if customer is None or customer.id is None:
        return
    confirmed = await uow.redemptions.confirmed_for_order(customer.id, repair.order_id)
    repair.points_used = sum(r.points for r in confirmed)
    points_money = repair.points_used * rules.redemption.minor_per_point
    repair.paid_money_minor = money_paid(repair.amount_minor, repair.items, points_money, excluded)
    await uow.repairs.update(repair)  # the tier below reads this repair's spend
    outcome.earned = await _earn_for(uow, rules, customer, repair, now)
    outcome.tier_upgrade = await _upgrade(uow, rules, customer, repair.order_id, now)


async def _earn_for(
    uow: UnitOfWork, rules: ProgramRules, customer: Customer, repair: Repair, now: datetime
) -> LedgerResult | None:
    assert customer.id is not None
    points = points_for(repair.paid_money_minor or 0, rules.tier(customer.tier).earn_rate_percent)
    if points <= 0:
        return None
    result = await earn_points(
        uow,
        customer_id=customer.id,
        points=points,
        kind=EntryKind.EARN,
        source_key=earn_source_key(repair.order_id),
        now=now,
        expires_in_days=rules.earning.expires_days,
        order_id=repair.order_id,
    )
    if not result.duplicate:
        await _notify(
            uow,
            customer.id,
            "points_earned",
            {
                "order_id": repair.order_id,
                "points": points,
                "balance": result.balance,
                "paid_minor": repair.paid_money_minor or 0,
                "expires_days": rules.earning.expires_days,
            },
            f"points_earned:{result.entry.id}",
            now,
        )
    return result


async def _upgrade(
    uow: UnitOfWork, rules: ProgramRules, customer: Customer, reason_key: str, now: datetime
) -> Tier | None:
    assert customer.id is not None
    upgrade = await apply_tier_upgrade(uow, rules, customer, now)
    if upgrade is not None:
        await _notify(
            uow,
            customer.id,
            "tier_upgraded",
            {
                "tier_key": upgrade.key,
                "tier_names": dict(upgrade.names),
                "earn_rate_percent": str(upgrade.earn_rate_percent),
            },
            f"tier_upgraded:{customer.id}:{upgrade.key}:{reason_key}",
            now,
        )
    return upgrade


async def _cancel(
    uow: UnitOfWork, repair: Repair, event: RecordRepairEvent, now: datetime, outcome: RepairOutcome
) -> None:
    repair.status = RepairStatus.CANCELLED
    repair.status_at = _later(repair.status_at, event.occurred_at)
    repair.cancelled_at = min(event.occurred_at, now)
    outcome.status_changed = True
    customer = await locked_member(uow, repair)
    if customer is None or customer.id is None:
        return
    taken_back = given_back = 0
    earned = await uow.ledger.by_source_key(earn_source_key(repair.order_id))
    # Points a since deleted account earned on this order went with that account.
    if (
        earned is not None
        and earned.id is not None
        and earned.customer_id == customer.id
        and await uow.ledger.reversal_of(earned.id) is None
    ):
        result = await reverse_entry(
            uow,
            entry_id=earned.id,
            source_key=f"repair-cancel:{repair.order_id}",
            now=now,
            reason="repair cancelled",
            author="repair-system",
        )
        outcome.reversed.append(result)
        taken_back = -result.entry.points
    # Points that paid a cancelled bill go back to the customer.
    for redemption in await uow.redemptions.confirmed_for_order(customer.id, repair.order_id):
        spend_id = redemption.spend_entry_id
        if spend_id is None or await uow.ledger.reversal_of(spend_id) is not None:
            continue
        result = await reverse_entry(
            uow,
            entry_id=spend_id,
            source_key=f"redemption-refund:{redemption.id}",
            now=now,
            reason="repair cancelled",
            author="repair-system",
        )
        outcome.reversed.append(result)
        given_back += result.entry.points
    balance = await uow.ledger.balance_of(customer.id)
    await _notify(
        uow,
        customer.id,
        "repair_cancelled",
        {"order_id": repair.order_id, "taken_back": taken_back, "given_back": given_back, "balance": balance},
        f"repair:{repair.order_id}:status:cancelled",
        now,
    )


def _later(current: datetime | None, occurred_at: datetime) -> datetime:
    return occurred_at if current is None else max(current, occurred_at)


async def _notify_status(uow: UnitOfWork, repair: Repair, now: datetime) -> None:
    template = NOTIFIED_STATUSES.get(repair.status)
    if template is None or repair.customer_id is None:
        return
    await _notify(uow, repair.customer_id, template, repair_context(repair), status_key(repair), now)


def status_key(repair: Repair) -> str:
    return f"repair:{repair.order_id}:status:{repair.status.value}"


def repair_context(repair: Repair) -> dict[str, object]:
    """Plain JSON values only: the outbox keeps the context as JSON until delivery."""
    return {
        "order_id": repair.order_id,
        "device_category": repair.device_category.value,
        "device": " ".join(p for p in (repair.device_brand, repair.device_model) if p),
        "eta": repair.eta.isoformat() if repair.eta else None,
    }


async def _notify(
    uow: UnitOfWork, customer_id: int, template: str, context: dict[str, object], key: str, now: datetime
) -> None:
    await uow.outbox.add(
        OutboxMessage(
            customer_id=customer_id, template=template, context=context, dedupe_key=key, created_at=now
        )
    )


async def earn_for_linked_repairs(
    uow: UnitOfWork, rules: ProgramRules, customer: Customer, linked: list[Repair], now: datetime
) -> list[LedgerResult]:
    """Points for repairs completed before the phone registered (only when the rules say so)."""
    if not rules.earning.retroactive_for_linked_repairs:
        return []
    results = []
    for repair in linked:
        if repair.status is not RepairStatus.COMPLETED:
            continue
        result = await _earn_for(uow, rules, customer, repair, now)
        if result is not None:
            results.append(result)
    return results
