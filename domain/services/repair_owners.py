"""Whose order a repair is: resolved again at every event, since members join and leave."""

from __future__ import annotations

from datetime import datetime

from domain.customers import Customer
from domain.ports import UnitOfWork
from domain.repairs import Repair
from domain.services.referrals import fingerprint_of

# What an order of a deleted account keeps as its phone (the edge never lets an empty one in).
FORGOTTEN_PHONE = ""


async def live_member(uow: UnitOfWork, phone: str) -> Customer | None:
    owner = await uow.customers.by_phone(phone)
    return owner if owner is not None and not owner.is_deleted else None


async def remembered_phone(uow: UnitOfWork, phone: str, now: datetime) -> bool:
    """The program keeps this phone's fingerprint: it joined once. Held by no live member, it is a
    deleted account's phone, and a new order for it must not bring back the person's data."""
    return await uow.phone_marks.get(await fingerprint_of(uow, phone, now)) is not None


async def lock_owner_first(uow: UnitOfWork, order_id: str, phone: str) -> None:
    """Lock the likely owner before the order, in the order a deletion and a desk confirmation do.

    Taking the order first and the customer second would deadlock with /delete_me, which holds
    the customer while it anonymises the customer's orders.
    """
    known = await uow.repairs.by_order(order_id)
    if known is not None and known.customer_id is not None:
        owner = await uow.customers.lock(known.customer_id)
        if owner is not None and not owner.is_deleted:
            return
    member = await live_member(uow, phone)
    if member is not None and member.id is not None:
        await uow.customers.lock(member.id)


async def resolve_owner(uow: UnitOfWork, repair: Repair, phone: str) -> None:
    """Whose order this is now: the phone may have registered since, the owner may have left."""
    if repair.customer_id is not None:
        owner = await uow.customers.get(repair.customer_id)
        if owner is not None and not owner.is_deleted:
            return
        forget_owner(repair)
    member = await live_member(uow, phone)
    if member is not None:
        # The member gave consent with this phone: their order may carry it and their data again.
        repair.customer_id, repair.phone = member.id, phone


def forget_owner(repair: Repair) -> None:
    """A deleted account never gets data or messages again: its orders stay anonymous history."""
    repair.customer_id = None
    repair.phone = FORGOTTEN_PHONE
    repair.customer_name = None
    repair.device_serial = None


def is_forgotten(repair: Repair) -> bool:
    return repair.customer_id is None and repair.phone == FORGOTTEN_PHONE


async def locked_member(uow: UnitOfWork, repair: Repair) -> Customer | None:
    """The order's owner, locked, when a live member; an account deleted meanwhile is let go."""
    if repair.customer_id is None:
        return None
    customer = await uow.customers.lock(repair.customer_id)
    if customer is None or customer.is_deleted:
        forget_owner(repair)
        return None
    return customer
