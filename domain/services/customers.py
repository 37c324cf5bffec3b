"""Finding a customer who is still a member."""

from __future__ import annotations

from domain.customers import Customer
from domain.errors import CustomerNotFound
from domain.ports import UnitOfWork


async def live_customer(uow: UnitOfWork, customer_id: int, *, lock: bool = False) -> Customer:
    """The customer, or CustomerNotFound when unknown or deleted.

    `lock` holds the row until the unit of work ends; use it before `customers.update`, which
    writes the whole row and so must never write a stale copy.
    """
    customer = await (uow.customers.lock(customer_id) if lock else uow.customers.get(customer_id))
    if customer is None or customer.is_deleted:
        raise CustomerNotFound(f"customer {customer_id} not found")
    return customer
