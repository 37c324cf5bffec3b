"""Small builders shared by tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.customers import Channel, Registration
from domain.ports import UnitOfWork
from domain.reactions import ProgramReactions
from domain.rules import ProgramRules
from domain.services.registration import RegistrationResult, register_customer
from store.engine import session_factory
from store.uow import SqlUnitOfWork


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


def uow_on(engine: AsyncEngine, rules: ProgramRules) -> Callable[[], UnitOfWork]:
    """Units of work over `engine`: give each replica of a concurrency test its own engine."""
    sessions = session_factory(engine)
    reactions = ProgramReactions(rules)
    return lambda: SqlUnitOfWork(sessions, reactions)
