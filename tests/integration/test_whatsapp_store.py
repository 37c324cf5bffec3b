"""The WhatsApp tables on SQLite and PostgreSQL: dialogue state and message statuses."""

from __future__ import annotations

from datetime import timedelta

from domain.customers import Channel
from domain.dialogue import Dialogue
from domain.services.delivery_status import record_delivery_status


async def test_a_dialogue_is_saved_updated_and_deleted(uow_factory, clock):
    async with uow_factory() as uow:
        await uow.dialogues.save(Dialogue("k" * 64, "consent", "ru", clock.now(), {"referral": "abc"}))
        await uow.commit()
    async with uow_factory() as uow:
        repo = uow.dialogues
        stored = await repo.get("k" * 64)
        assert stored == Dialogue("k" * 64, "consent", "ru", clock.now(), {"referral": "abc"})
        stored.step, stored.locale, stored.updated_at = "birthday", "en", clock.now() + timedelta(minutes=1)
        await repo.save(stored)  # an upsert: the same key twice is one row
        await uow.commit()
    async with uow_factory() as uow:
        assert (await uow.dialogues.get("k" * 64)).step == "birthday"
        await uow.dialogues.delete("k" * 64)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dialogues.get("k" * 64) is None


async def test_an_uncommitted_dialogue_is_rolled_back_with_its_unit_of_work(uow_factory, clock):
    async with uow_factory() as uow:
        await uow.dialogues.save(Dialogue("r" * 64, "consent", "ru", clock.now()))
    async with uow_factory() as uow:
        assert await uow.dialogues.get("r" * 64) is None


async def test_abandoned_dialogues_are_swept(uow_factory, clock):
    async with uow_factory() as uow:
        await uow.dialogues.save(Dialogue("o" * 64, "marketing", "ru", clock.now() - timedelta(days=2)))
        await uow.dialogues.save(Dialogue("n" * 64, "consent", "ru", clock.now()))
        await uow.dialogues.delete_older_than(clock.now() - timedelta(days=1))
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.dialogues.get("o" * 64) is None
        assert await uow.dialogues.get("n" * 64) is not None


async def test_message_statuses_keep_the_latest_stage(uow_factory, clock):
    async def record(status: str, code: int | None = None) -> bool:
        return await record_delivery_status(
            uow, Channel.WHATSAPP, "SM1", status, code, clock.now(), provider="twilio", unreachable=False
        )

    async with uow_factory() as uow:
        assert await record("sent")
        assert await record("delivered")
        assert not await record("sent")
        assert await record("failed", 30008)
        assert not await record("read")
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.message_statuses.get("SM1") == ("failed", 30008)
