"""Long polling: with a token and no webhook URL the bot fetches updates itself, and stops cleanly."""

from __future__ import annotations

from app.bootstrap import telegram_channel
from domain.customers import Channel
from tests.e2e.conftest import running
from tests.telegram_support import TOKEN, USER_ID


async def test_the_bot_polls_answers_and_stops_cleanly(make_container, bot_api):
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    user = {"id": USER_ID, "is_bot": False, "first_name": "Ivan", "language_code": "ru"}
    bot_api.updates.append(
        {
            "update_id": 100,
            "message": {
                "message_id": 1,
                "date": 1_790_000_000,
                "from": user,
                "chat": {"id": USER_ID, "type": "private"},
                "text": "/start",
            },
        }
    )
    async with running(container, background=True):
        (sent,) = await bot_api.wait_for("sendMessage")
        assert "политике конфиденциальности" in sent["text"]
        assert bot_api.called("deleteWebhook") and not bot_api.called("setWebhook")
    polls = len(bot_api.called("getUpdates"))
    assert polls >= 1
    assert container.channels[Channel.TELEGRAM]._polling is None  # stopped and awaited


async def test_polling_keeps_trying_when_telegram_is_down_at_start(make_container, bot_api):
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    bot_api.script("getMe", 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})
    user = {"id": USER_ID, "is_bot": False, "first_name": "Ivan", "language_code": "en"}
    bot_api.updates.append(
        {
            "update_id": 7,
            "message": {
                "message_id": 1,
                "date": 1_790_000_000,
                "from": user,
                "chat": {"id": USER_ID, "type": "private"},
                "text": "hello",
            },
        }
    )
    async with running(container, background=True):
        (sent,) = await bot_api.wait_for("sendMessage")
    assert "/start" in sent["text"] and len(bot_api.called("getMe")) >= 2
