"""The WhatsApp tables on SQLite and PostgreSQL: dialogue state and message statuses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.whatsapp.state import dialogues, message_statuses
from store.repositories.whatsapp import Dialogue
from tests.fakes import FakeUnitOfWork


async def test_a_dialogue_is_saved_updated_and_deleted(uow_factory, clock):
    async with uow_factory() as uow:
        await dialogues(uow).save(Dialogue("k" * 64, "consent", "ru", clock.now(), {"referral": "abc"}))
        await uow.commit()
    async with uow_factory() as uow:
        repo = dialogues(uow)
        stored = await repo.get("k" * 64)
        assert stored == Dialogue("k" * 64, "consent", "ru", clock.now(), {"referral": "abc"})
        stored.step, stored.locale, stored.updated_at = "birthday", "en", clock.now() + timedelta(minutes=1)
        await repo.save(stored)  # an upsert: the same key twice is one row
        await uow.commit()
    async with uow_factory() as uow:
        assert (await dialogues(uow).get("k" * 64)).step == "birthday"
        await dialogues(uow).delete("k" * 64)
        await uow.commit()
    async with uow_factory() as uow:
        assert await dialogues(uow).get("k" * 64) is None


async def test_an_uncommitted_dialogue_is_rolled_back_with_its_unit_of_work(uow_factory, clock):
    async with uow_factory() as uow:
        await dialogues(uow).save(Dialogue("r" * 64, "consent", "ru", clock.now()))
    async with uow_factory() as uow:
        assert await dialogues(uow).get("r" * 64) is None


async def test_abandoned_dialogues_are_swept(uow_factory, clock):
    async with uow_factory() as uow:
        await dialogues(uow).save(Dialogue("o" * 64, "marketing", "ru", clock.now() - timedelta(days=2)))
        await dialogues(uow).save(Dialogue("n" * 64, "consent", "ru", clock.now()))
        await dialogues(uow).delete_older_than(clock.now() - timedelta(days=1))
        await uow.commit()
    async with uow_factory() as uow:
        assert await dialogues(uow).get("o" * 64) is None
        assert await dialogues(uow).get("n" * 64) is not None


async def test_message_statuses_keep_the_latest_stage(uow_factory, clock):
    async with uow_factory() as uow:
        repo = message_statuses(uow)
        assert await repo.record("SM1", "sent", None, clock.now())
        assert await repo.record("SM1", "delivered", None, clock.now())
        assert not await repo.record("SM1", "sent", None, clock.now())
        assert await repo.record("SM1", "failed", 30008, clock.now())
        assert not await repo.record("SM1", "read", None, clock.now())
        await uow.commit()
    async with uow_factory() as uow:
        assert await message_statuses(uow).get("SM1") == ("failed", 30008)


def test_the_state_needs_the_sql_unit_of_work():
    with pytest.raises(TypeError):
        dialogues(FakeUnitOfWork())
