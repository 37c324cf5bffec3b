"""The delivery loop through the real Telegram sender against a fake Bot API that enforces 30/s."""

from __future__ import annotations

import asyncio

import pytest

from app.bootstrap import telegram_channel
from domain.clock import SystemClock
from domain.customers import Channel
from domain.outbox import OutboxMessage, OutboxStatus
from scheduler.delivery import Delivery, run_forever
from tests.builders import registered
from tests.e2e.telegram.conftest import too_many_requests
from tests.telegram_support import TOKEN

CONTEXT = {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Бронза"}


@pytest.fixture
async def telegram(make_container, bot_api):
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    yield container
    await container.channels[Channel.TELEGRAM].stop()


async def _queue_for_chats(container, rules, clock, count: int) -> list[int]:
    ids = []
    for n in range(count):
        customer = (
            await registered(
                container.uow(), rules, clock.now(), phone=f"+7916{n:07d}", external_id=str(555000 + n)
            )
        ).customer
        async with container.uow() as uow:
            message = await uow.outbox.add(
                OutboxMessage(customer.id, "welcome", CONTEXT, f"k-{n}", clock.now())
            )
            await uow.commit()
        ids.append(message.id)
    return ids


def _busiest_second(times: list[float]) -> int:
    return max(sum(0 <= t - start < 1 for t in times) for start in times)


async def test_a_burst_to_many_chats_stays_within_30_a_second_and_meets_no_429(
    telegram, bot_api, rules, clock
):
    bot_api.rate_limit = 30
    await _queue_for_chats(telegram, rules, clock, 45)
    stats = await telegram.delivery().deliver_due()
    assert stats.sent == 45 and not bot_api.refused_at
    assert _busiest_second(bot_api.accepted_at) <= 30


async def test_after_a_429_nothing_is_sent_inside_retry_after_and_no_attempt_is_wasted(
    telegram, bot_api, rules, clock
):
    ids = await _queue_for_chats(telegram, rules, clock, 8)
    for _ in range(4):
        bot_api.script("sendMessage", 200, {"ok": True, "result": _sent(555000)})
    bot_api.script("sendMessage", 429, too_many_requests(1))
    # the real clock: the pause has to run out while the loop runs
    delivery = Delivery(
        telegram.uow,
        telegram.senders,
        telegram.renderer,
        SystemClock(),
        marketing=rules.marketing,
        timezone=telegram.settings.timezone,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(run_forever(delivery, stop=stop, idle_seconds=0.05))
    try:
        await bot_api.wait_for("sendMessage", 9)  # 8 messages and the one refused
        await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task
    [refused] = bot_api.refused_at
    assert not [t for t in bot_api.accepted_at if refused < t < refused + 1]
    async with telegram.uow() as uow:
        stored = [await uow.outbox.get(i) for i in ids]
    assert all(m.status == OutboxStatus.SENT for m in stored)
    # the refused one counts its attempt; the ones held behind the pause were never tried twice
    assert sorted(m.attempts for m in stored) == [1] * 7 + [2]


def _sent(chat: int) -> dict:
    return {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}, "text": ""}
