"""The outbox's Telegram sender over the real aiohttp session against the fake Bot API."""

from __future__ import annotations

import time

import pytest

from app.bootstrap import telegram_channel
from domain.customers import Channel, ChannelIdentity
from domain.delivery import Delivered, Failed, RetryLater, Unreachable
from domain.outbox import OutboxMessage, OutboxStatus
from tests.builders import registered
from tests.e2e.telegram.conftest import blocked, too_many_requests
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


def _identity(chat: str = "555001") -> ChannelIdentity:
    return ChannelIdentity(customer_id=1, channel=Channel.TELEGRAM, external_id=chat, created_at=None)  # type: ignore[arg-type]


def _message(clock) -> OutboxMessage:
    return OutboxMessage(1, "welcome", {}, "k", clock.now())


async def test_a_message_is_delivered_as_html(telegram, bot_api, clock):
    sender = telegram.senders[Channel.TELEGRAM]
    result = await sender.send(_identity(), _message(clock), "<b>Hi</b> &amp; welcome")
    assert isinstance(result, Delivered) and result.provider_message_id.startswith("555001:")
    (sent,) = bot_api.called("sendMessage")
    assert sent["text"] == "<b>Hi</b> &amp; welcome" and sent["parse_mode"] == "HTML"


async def test_429_asks_to_retry_later_and_pauses_every_send(telegram, bot_api, clock):
    sender = telegram.senders[Channel.TELEGRAM]
    bot_api.script("sendMessage", 429, too_many_requests(30))
    first = await sender.send(_identity(), _message(clock), "one")
    assert isinstance(first, RetryLater) and first.after_seconds == 30
    other_chat = await sender.send(_identity("777"), _message(clock), "two")
    assert isinstance(other_chat, RetryLater) and 29 <= other_chat.after_seconds <= 30
    assert len(bot_api.called("sendMessage")) == 1  # the pause was kept: nothing else went out


async def test_403_means_unreachable(telegram, bot_api, clock):
    bot_api.script("sendMessage", 403, blocked())
    result = await telegram.senders[Channel.TELEGRAM].send(_identity(), _message(clock), "hi")
    assert isinstance(result, Unreachable) and "blocked" in result.reason


@pytest.mark.parametrize(
    ("status", "body", "retryable"),
    [
        (500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}, True),
        (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}, True),
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse entities"}, False),
    ],
)
async def test_other_failures_are_failed_results_not_exceptions(
    telegram, bot_api, clock, status, body, retryable
):
    bot_api.script("sendMessage", status, body)
    result = await telegram.senders[Channel.TELEGRAM].send(_identity(), _message(clock), "hi")
    assert isinstance(result, Failed) and result.retryable is retryable


async def test_an_unreachable_server_is_a_retryable_failure(make_container, clock):
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url="http://127.0.0.1:9",  # nothing listens there
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    runtime = container.channels[Channel.TELEGRAM]
    result = await runtime.sender.send(_identity(), _message(clock), "hi")
    await runtime.stop()
    assert isinstance(result, Failed) and result.retryable


async def test_one_chat_gets_at_most_one_message_a_second(telegram, bot_api, clock):
    sender = telegram.senders[Channel.TELEGRAM]
    started = time.monotonic()
    for text in ("a", "b", "c"):
        assert isinstance(await sender.send(_identity(), _message(clock), text), Delivered)
    assert time.monotonic() - started >= 1.5  # three sends to one chat span two seconds or so


async def test_the_delivery_loop_marks_a_customer_who_blocked_the_bot(telegram, bot_api, rules, clock):
    customer = (await registered(telegram.uow(), rules, clock.now(), external_id="555001")).customer
    async with telegram.uow() as uow:
        message = await uow.outbox.add(
            OutboxMessage(
                customer.id,
                "welcome",
                {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Бронза"},
                "k-blocked",
                clock.now(),
            )
        )
        await uow.commit()
    bot_api.script("sendMessage", 403, blocked())
    stats = await telegram.delivery().deliver_due()
    assert stats.failed == 1
    async with telegram.uow() as uow:
        assert (await uow.outbox.get(message.id)).status == OutboxStatus.FAILED
        (identity,) = await uow.identities.of_customer(customer.id)
    assert identity.unreachable_at is not None
    sent = bot_api.called("sendMessage")[0]
    assert "<b>Добро пожаловать в программу лояльности!</b>" in sent["text"]
