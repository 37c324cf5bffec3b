"""Spending points at the desk, confirmed by a one-time code the customer gets in chat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.customers import Customer
from domain.errors import CustomerNotFound, DomainError, InsufficientPoints, InvalidAmount
from domain.events import RedemptionRequested
from domain.ledger import LedgerResult
from domain.ports import UnitOfWork
from domain.redemptions import (
    BillMismatch,
    BillShareExceeded,
    CodeExpired,
    NoChatChannel,
    OrderClosed,
    OrderOfAnotherCustomer,
    Redemption,
    RedemptionAlreadyUsed,
    RedemptionLocked,
    RedemptionNotFound,
    RedemptionStatus,
    UnknownOrder,
    WrongCode,
    code_matches,
    hash_code,
    max_points_for_bill,
    new_code,
    new_salt,
)
from domain.rules import ProgramRules
from domain.services.points import lock_customer, spend_points


@dataclass(frozen=True)
class ConfirmOutcome:
    """`refusal` is set when the attempt was recorded but refused: commit, then report it."""

    redemption: Redemption
    spent: LedgerResult | None = None
    refusal: DomainError | None = None


async def request_redemption(
    uow: UnitOfWork,
    rules: ProgramRules,
    *,
    phone: str,
    points: int,
    order_id: str,
    bill_minor: int,
    now: datetime,
    author: str | None = None,
) -> Redemption:
    """Check the balance and the bill share, then send a one-time code to the customer's chat."""
    if points <= 0:
        raise InvalidAmount("points to redeem must be positive")
    if bill_minor <= 0:
        raise InvalidAmount("the bill must be positive")
    customer = await uow.customers.by_phone(phone)
    if customer is None or customer.is_deleted or customer.id is None:
        raise CustomerNotFound(f"no member with phone {phone}")
    await _check_order(uow, rules, customer, order_id, points, bill_minor, now=now)
    if points > customer.points_balance:
        raise InsufficientPoints(points, customer.points_balance)
    identities = await uow.identities.of_customer(customer.id)
    if not any(i.unreachable_at is None for i in identities):
        raise NoChatChannel("the customer has no chat to receive the code")
    code, salt = new_code(), new_salt()
    redemption = await uow.redemptions.add(
        Redemption(
            customer_id=customer.id,
            order_id=order_id,
            points=points,
            bill_minor=bill_minor,
            code_hash=hash_code(code, salt),
            code_salt=salt,
            status=RedemptionStatus.PENDING,
            created_at=now,
            expires_at=now + timedelta(minutes=rules.redemption.code_ttl_minutes),
            author=author,
        )
    )
    assert redemption.id is not None
    await uow.record(
        RedemptionRequested(
            at=now,
            customer_id=customer.id,
            redemption_id=redemption.id,
            code=code,
            points=points,
            order_id=order_id,
            bill_minor=bill_minor,
            valid_minutes=rules.redemption.code_ttl_minutes,
        )
    )
    return redemption


async def confirm_redemption(
    uow: UnitOfWork,
    rules: ProgramRules,
    *,
    redemption_id: int,
    code: str,
    now: datetime,
    author: str | None = None,
) -> ConfirmOutcome:
    """Spend the points when the code is right; count a wrong try, lock after the last one."""
    redemption = await uow.redemptions.get(redemption_id, lock=True)
    if redemption is None:
        raise RedemptionNotFound(f"redemption {redemption_id} not found")
    if redemption.status is RedemptionStatus.CONFIRMED:
        raise RedemptionAlreadyUsed(f"redemption {redemption_id} was already confirmed")
    if redemption.status is RedemptionStatus.LOCKED:
        raise RedemptionLocked(f"redemption {redemption_id} is locked after too many wrong codes")
    if redemption.status is RedemptionStatus.EXPIRED or now >= redemption.expires_at:
        return await _refuse(uow, redemption, RedemptionStatus.EXPIRED, CodeExpired("the code has expired"))
    if not code_matches(redemption, code):
        redemption.attempts += 1
        left = rules.redemption.code_max_attempts - redemption.attempts
        if left <= 0:
            return await _refuse(
                uow, redemption, RedemptionStatus.LOCKED, RedemptionLocked("too many wrong codes: locked")
            )
        await uow.redemptions.update(redemption)
        return ConfirmOutcome(redemption, refusal=WrongCode(left))
    customer = await lock_customer(uow, redemption.customer_id)
    # Re-checked under the customer's lock: a completion of the order may have landed meanwhile.
    await _check_order(
        uow, rules, customer, redemption.order_id, redemption.points, redemption.bill_minor, now=None
    )
    spent = await spend_points(
        uow,
        customer_id=redemption.customer_id,
        points=redemption.points,
        source_key=f"redemption:{redemption.id}",
        now=now,
        reason=f"redemption for order {redemption.order_id}",
        author=author or redemption.author,
        order_id=redemption.order_id,
    )
    redemption.status = RedemptionStatus.CONFIRMED
    redemption.confirmed_at = now
    redemption.spend_entry_id = spent.entry.id
    await uow.redemptions.update(redemption)
    return ConfirmOutcome(redemption, spent=spent)


async def _refuse(
    uow: UnitOfWork, redemption: Redemption, status: RedemptionStatus, refusal: DomainError
) -> ConfirmOutcome:
    redemption.status = status
    await uow.redemptions.update(redemption)
    return ConfirmOutcome(redemption, refusal=refusal)


async def _check_order(
    uow: UnitOfWork,
    rules: ProgramRules,
    customer: Customer,
    order_id: str,
    points: int,
    bill_minor: int,
    *,
    now: datetime | None,
) -> None:
    """The order must be a known, open order of this customer, and the points must fit its bill.

    `now` is given when a redemption is asked for: codes still pending then fix the bill too.
    At confirmation only confirmed redemptions count (a rival pending one may never be used).
    """
    assert customer.id is not None
    # An order the repair system never reported could later turn out to be someone else's.
    repair = await uow.repairs.by_order(order_id)
    if repair is None:
        raise UnknownOrder(f"order {order_id} is unknown: the repair system has not reported it yet")
    if repair.customer_id is not None:
        owned = repair.customer_id == customer.id
    else:
        owned = repair.phone == customer.phone
    if not owned:
        raise OrderOfAnotherCustomer(f"order {order_id} belongs to another customer")
    if repair.is_final:
        raise OrderClosed(f"order {order_id} is already {repair.status.value}")
    confirmed, binding = [], []
    for r in await uow.redemptions.of_order(order_id):
        if r.status is RedemptionStatus.CONFIRMED:
            confirmed.append(r)
            binding.append(r)
        elif r.status is RedemptionStatus.PENDING and now is not None and now < r.expires_at:
            binding.append(r)
    # One order has one bill: naming a bigger one would stretch the share points may pay.
    if any(r.bill_minor != bill_minor for r in binding):
        raise BillMismatch(order_id, binding[0].bill_minor)
    allowed = max_points_for_bill(rules.redemption, bill_minor)
    already = sum(r.points for r in confirmed)
    if already + points > allowed:
        raise BillShareExceeded(points, max(0, allowed - already))
