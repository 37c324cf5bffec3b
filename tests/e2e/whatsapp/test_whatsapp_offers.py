"""The WhatsApp "offers"/"акции" word, over a signed Twilio post: the personal code and its last day."""

from __future__ import annotations

from datetime import date

import pytest

from tests.e2e.whatsapp.conftest import PHONE, register, say
from tests.offer_support import completed_phone_repair, current_code

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("locale", "word", "line"),
    [
        ("ru", "акции", "Ваш код: ```{code}```, действует по 21 декабря 2026 включительно"),
        ("en", "offers", "Your code: ```{code}```, valid through December 21, 2026"),
    ],
)
async def test_offers_show_the_personal_code_and_the_same_code_each_time(
    wa, client, fake_twilio, locale, word, line
):
    await register(client, fake_twilio, locale=locale)
    await completed_phone_repair(wa.uow(), wa.rules, PHONE, wa.clock.now())
    first = await say(client, fake_twilio, word)
    async with wa.uow() as uow:
        customer = await uow.customers.by_phone(PHONE)
    code = await current_code(wa.uow(), customer.id, "phone_accessories", TODAY)
    assert code is not None and line.format(code=code) in first
    assert await say(client, fake_twilio, "4") == first
