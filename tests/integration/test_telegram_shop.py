"""In the chat, a customer can tell which shop it is: the consent, the welcome and /help name it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.rules_file import load_rules
from domain.rules import ProgramRules
from tests.samples.shop import SHOP
from tests.telegram_support import last_text, register, texts_of, tg

__all__ = ["tg"]


@pytest.fixture
def rules() -> ProgramRules:
    return replace(load_rules(), shop=SHOP)


async def test_consent_welcome_and_help_name_the_shop_and_where_it_is(tg):
    chat = tg.new_chat()
    consent = last_text(await chat.say("/start"))
    assert "Оператор персональных данных: Сервисный центр «Мастер», Москва, ул. Тверская, 1." in consent
    before = len(chat.session.requests)
    await register(chat)
    welcome = texts_of(chat.session.requests[before:])[-1]
    assert "<b>Сервисный центр «Мастер»</b>" in welcome and "Телефон: +7 495 123-45-67" in welcome
    help_text = last_text(await chat.say("/help"))
    assert "Адрес: Москва, ул. Тверская, 1" in help_text
    assert '<a href="https://maps.example.com/?q=tverskaya-1">Открыть на карте</a>' in help_text
    assert "Часы работы: ежедневно с 10:00 до 21:00" in help_text
