"""/offers in Telegram, through the real dispatcher: best first, with a personal code that stays."""

from __future__ import annotations

from datetime import date

from bot.telegram.callbacks import ScreenCb
from domain.customers import Channel
from tests.offer_support import completed_phone_repair, current_code
from tests.telegram_support import USER_ID, last_text, register, tg

__all__ = ["tg"]

TODAY = date(2026, 11, 22)


async def _customer_id(tg) -> int:
    async with tg.container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
    assert identity is not None
    return identity.customer_id


async def test_offers_show_the_personal_code_and_its_last_day_and_the_same_code_each_time(tg):
    chat = tg.new_chat()
    await register(chat)
    await completed_phone_repair(tg.container.uow(), tg.container.rules, "+79161234567", tg.clock.now())
    first = last_text(await chat.say("/offers"))
    code = await current_code(tg.container.uow(), await _customer_id(tg), "phone_accessories", TODAY)
    assert code is not None
    assert f"Ваш код: <code>{code}</code>, действует по 21 декабря 2026 включительно" in first
    assert "Скидка 15% на аксессуары" in first
    again = last_text(await chat.press(ScreenCb(name="offers").pack()))
    assert again == first


async def test_a_member_without_repairs_sees_no_offers_and_gets_no_code(tg):
    chat = tg.new_chat()
    await register(chat)
    text = last_text(await chat.say("/offers"))
    assert "персональных предложений нет" in text
    assert await current_code(tg.container.uow(), await _customer_id(tg), "phone_accessories", TODAY) is None
