"""Points for paid repairs, and what a cancelled repair takes back and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from domain.customers import Customer
from domain.events import Event, PointsEarned, PointsReversed
from domain.ledger import MAX_CHANGE, EntryKind, LedgerResult
from domain.ports import UnitOfWork
from domain.repairs import Repair, RepairStatus, points_for
from domain.rules import ProgramRules
from domain.services.points import earn_points, headroom, reverse_entry

REPAIR_SYSTEM = "repair-system"


@dataclass
class TakenBack:
    """What a cancellation reversed: `taken_back` earned points, `given_back` points that paid the bill."""

    results: list[LedgerResult] = field(default_factory=list)
    taken_back: int = 0
    given_back: int = 0


def earn_source_key(order_id: str) -> str:
    return f"repair:{order_id}"


async def earn_for_repair(
    uow: UnitOfWork,
    rules: ProgramRules,
    customer: Customer,
    repair: Repair,
    now: datetime,
    events: list[Event],
) -> LedgerResult | None:
    """floor(money paid x the customer's tier rate), once per order (a repeat replays the first)."""
    assert customer.id is not None
    points = points_for(repair.paid_money_minor or 0, rules.tier(customer.tier).earn_rate_percent)
    # A repair is never refused for a full balance: what it earns stops at the ceiling.
    points = min(points, MAX_CHANGE, await headroom(uow, customer.id))
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
        assert result.entry.id is not None
        events.append(
            PointsEarned(
                at=now,
                customer_id=customer.id,
                entry_id=result.entry.id,
                kind=EntryKind.EARN,
                points=points,
                balance=result.balance,
                expires_in_days=rules.earning.expires_days,
                order_id=repair.order_id,
                paid_minor=repair.paid_money_minor or 0,
            )
        )
    return result


async def earn_for_linked_repairs(
    uow: UnitOfWork,
    rules: ProgramRules,
    customer: Customer,
    linked: list[Repair],
    now: datetime,
    events: list[Event],
) -> list[LedgerResult]:
    """Points for repairs completed before the phone registered (only when the rules say so)."""
    if not rules.earning.retroactive_for_linked_repairs:
        return []
    results = []
    for repair in linked:
        if repair.status is not RepairStatus.COMPLETED:
            continue
        result = await earn_for_repair(uow, rules, customer, repair, now, events)
        if result is not None:
            results.append(result)
    return results


async def take_back_for_cancelled(
    uow: UnitOfWork, customer: Customer, repair: Repair, now: datetime, events: list[Event]
) -> TakenBack:
    """Reverse, once, the points the order earned, and give back the points that paid its bill."""
    assert customer.id is not None
    done = TakenBack()
    earned = await uow.ledger.by_source_key(earn_source_key(repair.order_id))
    # Points a since deleted account earned on this order went with that account.
    if (
        earned is not None
        and earned.id is not None
        and earned.customer_id == customer.id
        and await uow.ledger.reversal_of(earned.id) is None
    ):
        result = await _reverse(uow, earned.id, f"repair-cancel:{repair.order_id}", repair, now, events)
        done.results.append(result)
        done.taken_back = -result.entry.points
    # Points that paid a cancelled bill go back to the customer.
    for redemption in await uow.redemptions.confirmed_for_order(customer.id, repair.order_id):
        spend_id = redemption.spend_entry_id
        if spend_id is None or await uow.ledger.reversal_of(spend_id) is not None:
            continue
        result = await _reverse(uow, spend_id, f"redemption-refund:{redemption.id}", repair, now, events)
        done.results.append(result)
        done.given_back += result.entry.points
    return done


async def _reverse(
    uow: UnitOfWork, entry_id: int, source_key: str, repair: Repair, now: datetime, events: list[Event]
) -> LedgerResult:
    result = await reverse_entry(
        uow,
        entry_id=entry_id,
        source_key=source_key,
        now=now,
        reason="repair cancelled",
        author=REPAIR_SYSTEM,
    )
    if not result.duplicate:
        assert result.entry.id is not None
        events.append(
            PointsReversed(
                at=now,
                customer_id=result.entry.customer_id,
                entry_id=result.entry.id,
                reversed_entry_id=entry_id,
                points=result.entry.points,
                balance=result.balance,
                order_id=repair.order_id,
            )
        )
    return result
