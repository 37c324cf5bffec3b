"""No text the bot sends can pass Telegram's 4096-character limit: longer ones go in parts."""

from __future__ import annotations

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from app.bootstrap import telegram_channel
from domain.customers import Channel, ChannelIdentity
from domain.delivery import Delivered
from domain.outbox import OutboxMessage
from tests.e2e.telegram.conftest import parsed_length
from tests.telegram_support import TOKEN


@pytest.fixture
async def telegram(make_container, bot_api):
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    yield container
    await container.channels[Channel.TELEGRAM].stop()


def _lines(count: int) -> str:
    return "\n".join(f"<b>Заказ {k:03d}</b> &amp; ноутбук Lenovo ThinkPad X1 Carbon" for k in range(count))


async def test_an_outbox_message_over_the_limit_is_delivered_in_parts_cut_at_line_ends(
    telegram, bot_api, clock
):
    text = _lines(150)
    assert parsed_length(text) > 4096 and len(text) > 2 * 4096
    identity = ChannelIdentity(customer_id=1, channel=Channel.TELEGRAM, external_id="555001", created_at=None)  # type: ignore[arg-type]
    result = await telegram.senders[Channel.TELEGRAM].send(
        identity, OutboxMessage(1, "welcome", {}, "k", clock.now()), text
    )
    assert isinstance(result, Delivered)
    sent = [call["text"] for call in bot_api.called("sendMessage")]
    assert len(sent) == 3 and all(len(part) <= 4096 for part in sent)
    assert "\n".join(sent) == text  # nothing lost, no tag cut in half


async def test_a_reply_in_parts_keeps_its_keyboard_on_the_last_part(telegram, bot_api):
    bot = telegram.channels[Channel.TELEGRAM].bot
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Меню", callback_data="m")]])
    await bot.send_message(555001, _lines(100), reply_markup=keyboard)
    calls = bot_api.called("sendMessage")
    assert len(calls) == 2
    assert (
        "reply_markup" not in calls[0] and calls[1]["reply_markup"]["inline_keyboard"][0][0]["text"] == "Меню"
    )


async def test_one_line_over_the_limit_is_cut_as_plain_text_and_still_goes_out(telegram, bot_api):
    bot = telegram.channels[Channel.TELEGRAM].bot
    line = "<b>" + "😀 a&amp;b " * 1000 + "</b>"
    await bot.send_message(555001, line)
    sent = [call["text"] for call in bot_api.called("sendMessage")]
    assert len(sent) == 2 and all(parsed_length(part) <= 4096 for part in sent)
    assert "<b>" not in "".join(sent) and "".join(sent).count("a&amp;b") == 1000


async def test_a_short_message_is_sent_unchanged(telegram, bot_api):
    await telegram.channels[Channel.TELEGRAM].bot.send_message(555001, "<b>Hi</b>")
    assert [call["text"] for call in bot_api.called("sendMessage")] == ["<b>Hi</b>"]
