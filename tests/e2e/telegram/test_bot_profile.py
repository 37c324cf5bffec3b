"""At start the bot's profile says which shop it is: setMyDescription and setMyShortDescription per
language, from the rules file's [shop] section, seen by a fake Bot API over real HTTP."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.bootstrap import telegram_channel
from app.rules_file import load_rules
from domain.customers import Channel
from domain.rules import ProgramRules
from tests.e2e.conftest import running
from tests.e2e.telegram.conftest import SECRET, WEBHOOK_URL
from tests.samples.shop import SHOP
from tests.telegram_support import TOKEN


@pytest.fixture
def rules() -> ProgramRules:
    return replace(load_rules(), shop=SHOP)


@pytest.fixture
async def started(make_container, bot_api):
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        telegram_webhook_url=WEBHOOK_URL,
        telegram_webhook_secret=SECRET,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    async with running(container, background=True):
        yield bot_api


async def test_the_bot_describes_the_shop_in_each_language(started):
    by_language = {c.get("language_code"): c["description"] for c in started.called("setMyDescription")}
    short = {c.get("language_code"): c["short_description"] for c in started.called("setMyShortDescription")}
    assert set(by_language) == set(short) == {"ru", "en", None}
    assert by_language["ru"].startswith("Сервисный центр «Мастер»: программа лояльности в Telegram.")
    assert "Адрес: Москва, ул. Тверская, 1" in by_language["ru"] and "+7 495 123-45-67" in by_language["ru"]
    assert by_language["en"].startswith("Master repair center: a loyalty program in Telegram.")
    assert short["ru"] == "Сервисный центр «Мастер»: баллы за ремонты и статус ваших заказов."
    assert short["en"] == "Master repair center: points for repairs and the status of your orders."
    assert by_language[None] == by_language["ru"] and short[None] == short["ru"]  # DEFAULT_LOCALE
    assert all(len(text) <= 512 for text in by_language.values())
    assert all(len(text) <= 120 for text in short.values())


async def test_a_refused_description_leaves_the_bot_working(make_container, bot_api):
    bot_api.script(
        "setMyDescription", 400, {"ok": False, "error_code": 400, "description": "Bad Request: too long"}
    )
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        telegram_webhook_url=WEBHOOK_URL,
        telegram_webhook_secret=SECRET,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    async with running(container, background=True):
        assert bot_api.called("setWebhook") and bot_api.called("setMyCommands")
