"""Profile changes the shared use cases do not cover yet."""

from __future__ import annotations

from datetime import date, datetime

from domain.customers import Customer
from domain.errors import CustomerNotFound
from domain.ports import UnitOfWork


async def set_birthday(uow: UnitOfWork, customer_id: int, birthday: date, now: datetime) -> Customer:
    """Change the birthday; `birthday_set_at` restarts the waiting time before a birthday bonus."""
    customer = await uow.customers.get(customer_id)
    if customer is None or customer.is_deleted:
        raise CustomerNotFound(f"customer {customer_id} not found")
    if customer.birthday != birthday:
        customer.birthday = birthday
        customer.birthday_set_at = now
        await uow.customers.update(customer)
    return customer
