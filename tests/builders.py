"""Small builders shared by tests."""

from __future__ import annotations

from datetime import datetime

from domain.customers import Channel, Registration
from domain.ports import UnitOfWork
from domain.rules import ProgramRules
from domain.services.registration import RegistrationResult, register_customer


def registration(phone: str = "+79161234567", **overrides: object) -> Registration:
    values: dict[str, object] = {
        "phone": phone,
        "name": "Иван Петров",
        "locale": "ru",
        "policy_version": "2026-11-01",
        "marketing_opt_in": True,
        "channel": Channel.TELEGRAM,
        "external_id": f"tg-{phone}",
    }
    values.update(overrides)
    return Registration(**values)  # type: ignore[arg-type]


async def registered(
    uow: UnitOfWork, rules: ProgramRules, now: datetime, phone: str = "+79161234567", **overrides: object
) -> RegistrationResult:
    async with uow:
        result = await register_customer(uow, rules, registration(phone, **overrides), now)
        await uow.commit()
    return result
