"""A member's badges in the WhatsApp profile, named in their language, with the day of the award."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.whatsapp.conftest import PHONE, register, say

AWARDED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


async def _award(wa, *keys: str) -> None:
    async with wa.uow() as uow:
        customer = await uow.customers.by_phone(PHONE)
        for key in keys:
            assert await uow.badges.award(customer.id, key, AWARDED)
        await uow.commit()


@pytest.mark.parametrize(
    ("locale", "word", "lines"),
    [
        ("ru", "профиль", "Значки:\n• Первый ремонт, 20 ноября 2026\n• Золотой уровень, 20 ноября 2026"),
        ("en", "profile", "Badges:\n• First repair, November 20, 2026\n• Gold tier, November 20, 2026"),
    ],
)
async def test_the_profile_lists_the_badges_oldest_first(wa, client, fake_twilio, locale, word, lines):
    await register(client, fake_twilio, locale=locale)
    await _award(wa, "first_repair", "gold_reached")
    assert lines in await say(client, fake_twilio, word)


async def test_a_profile_without_badges_says_so(wa, client, fake_twilio):
    await register(client, fake_twilio, locale="ru")
    assert "Значков пока нет" in await say(client, fake_twilio, "профиль")
