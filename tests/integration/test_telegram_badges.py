"""A member's badges in the Telegram profile, through the real dispatcher."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.customers import Channel
from tests.telegram_support import USER_ID, last_text, register, tg

__all__ = ["tg"]

AWARDED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


async def test_the_profile_lists_each_badge_with_its_day_of_award(tg):
    chat = tg.new_chat()
    await register(chat)
    assert "Значков пока нет" in last_text(await chat.say("/profile"))
    async with tg.container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
        assert await uow.badges.award(identity.customer_id, "three_friends", AWARDED)
        await uow.commit()
    profile = last_text(await chat.say("/profile"))
    assert "Значки:\n• Душа компании, 20 ноября 2026" in profile and "Значков пока нет" not in profile
