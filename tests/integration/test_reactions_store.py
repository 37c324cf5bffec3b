"""What the reactions write is part of the change's transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.events import RepairStatusChanged
from domain.ports import UnitOfWork
from domain.reactions import ProgramReactions
from domain.repairs import DeviceCategory, RecordRepairEvent, RepairEventType, RepairStatus
from domain.services.repairs import record_repair_event
from store.engine import session_factory
from store.tables import outbox, repairs
from store.uow import SqlUnitOfWork
from tests.builders import registered
from tests.conftest import NOW


def _received(event_id: str = "e-1") -> RecordRepairEvent:
    return RecordRepairEvent(
        event_id=event_id,
        type=RepairEventType.STATUS_CHANGED,
        order_id="R-1",
        phone="+79161234567",
        status=RepairStatus.RECEIVED,
        device_category=DeviceCategory.PHONE,
        occurred_at=NOW,
    )


async def _rows(engine) -> tuple[list[str], int]:
    async with engine.connect() as conn:
        keys = list(await conn.scalars(sa.select(outbox.c.dedupe_key).order_by(outbox.c.id)))
        orders = await conn.scalar(sa.select(sa.func.count()).select_from(repairs))
    return keys, orders


async def test_a_reactions_message_commits_with_the_change(uow_factory, rules, engine):
    await registered(uow_factory(), rules, NOW)
    async with uow_factory() as uow:
        await record_repair_event(uow, rules, _received(), NOW)
        await uow.commit()
    assert await _rows(engine) == (["repair:R-1:status:received"], 1)


async def test_a_reactions_message_is_rolled_back_with_the_change(uow_factory, rules, engine):
    await registered(uow_factory(), rules, NOW)
    async with uow_factory() as uow:
        await record_repair_event(uow, rules, _received(), NOW)
        # no commit: leaving the unit of work rolls the order and its message back together
    assert await _rows(engine) == ([], 0)


async def test_a_failing_reaction_takes_the_change_down_with_it(rules, engine):
    await registered(sql_uow(engine, ProgramReactions(rules)), rules, NOW)
    reactions = ProgramReactions(rules)

    async def broken(uow: UnitOfWork, event: RepairStatusChanged) -> None:
        raise RuntimeError("a reaction failed")

    reactions.on(RepairStatusChanged, broken)  # after the message is queued
    with pytest.raises(RuntimeError):
        async with sql_uow(engine, reactions) as uow:
            await record_repair_event(uow, rules, _received(), NOW)
            await uow.commit()
    assert await _rows(engine) == ([], 0)


def sql_uow(engine, reactions: ProgramReactions) -> SqlUnitOfWork:
    return SqlUnitOfWork(session_factory(engine), reactions)
