"""The signed webhook that tells the repair system a customer's answer: from the button press to a
fake repair system that checks the signature; down, failing, coming back; two workers; both databases.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from app.bootstrap import bootstrap
from bot.whatsapp.conversation import Conversation
from bot.whatsapp.state import Inbound
from domain.clock import FixedClock
from tests.quote_support import answer_button, quote_event, quote_message
from tests.repair_system_support import SECRET, FakeRepairSystem
from tests.telegram_support import TelegramWorld, count, make_settings, register, tg

__all__ = ["tg"]


@pytest.fixture
def clock() -> FixedClock:
    # the receiver checks the signature's timestamp against its own (real) clock, within 5 minutes
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def repair_system():
    fake = FakeRepairSystem()
    yield fake
    await fake.stop()


@pytest.fixture
async def world(database, engine, clock, rules, repair_system):
    settings = make_settings(
        database, repair_system_webhook_url=repair_system.url, repair_system_webhook_secret=SECRET
    )
    container = bootstrap(settings, clock=clock, rules=rules, engine=engine, channel_builders={})
    return TelegramWorld(container, clock)


async def _approve(world):
    chat = world.new_chat()
    await register(chat)
    await quote_event(world)
    message = await quote_message(world, chat)
    await chat.press(answer_button(message, "✅"))
    return chat


async def test_an_answer_is_delivered_signed_with_the_answer_order_and_time(world, repair_system):
    await repair_system.start()
    await _approve(world)
    assert await count(world.container, "outbound_webhooks") == 1
    webhooks = world.container.webhook_delivery()
    try:
        assert (await webhooks.deliver_due()).delivered == 1
        assert (await webhooks.deliver_due()).handled == 0
    finally:
        await webhooks.aclose()
    [got] = repair_system.received
    assert repair_system.rejected == []
    assert got["raw"] == {
        "type": "repair.approval_answered",
        "order_id": "R-1042",
        "answer": "approved",
        "answered_at": world.clock.now().isoformat(),
    }
    assert got["id"].startswith("msg_")


async def test_a_repair_system_down_then_failing_gets_the_answer_exactly_once_with_one_webhook_id(
    world, repair_system
):
    await _approve(world)
    webhooks = world.container.webhook_delivery()
    try:
        stats = await webhooks.deliver_due()  # nothing listens: connection refused
        assert (stats.delivered, stats.retried) == (0, 1)
        await repair_system.start()
        repair_system.script.extend([500, 500])
        assert (await webhooks.deliver_due()).handled == 0  # backing off: not due yet
        for wait in (30, 60):
            world.clock.advance(timedelta(seconds=wait - 1))
            assert (await webhooks.deliver_due()).handled == 0
            world.clock.advance(timedelta(seconds=1))
            assert (await webhooks.deliver_due()).retried == 1  # a 500
        world.clock.advance(timedelta(seconds=120))
        assert (await webhooks.deliver_due()).delivered == 1
        world.clock.advance(timedelta(hours=2))
        assert (await webhooks.deliver_due()).handled == 0  # never again after a 2xx
    finally:
        await webhooks.aclose()
    assert len(repair_system.received) == 3 and repair_system.rejected == []
    assert len({r["id"] for r in repair_system.received}) == 1


async def test_a_4xx_is_retried_too_with_backoff(world, repair_system, caplog):
    await repair_system.start()
    repair_system.script.append(410)
    await _approve(world)
    webhooks = world.container.webhook_delivery()
    try:
        assert (await webhooks.deliver_due()).retried == 1
        assert any(r.levelname == "ERROR" and "410" in r.getMessage() for r in caplog.records)
        world.clock.advance(timedelta(seconds=30))
        assert (await webhooks.deliver_due()).delivered == 1
    finally:
        await webhooks.aclose()
    assert len(repair_system.received) == 2


async def test_two_delivery_workers_at_once_send_one_answer_once(world, repair_system):
    await repair_system.start()
    await _approve(world)
    first, second = world.container.webhook_delivery(), world.container.webhook_delivery()
    try:
        results = await asyncio.gather(first.deliver_due(), second.deliver_due())
    finally:
        await first.aclose()
        await second.aclose()
    assert sorted(r.delivered for r in results) == [0, 1]
    assert len(repair_system.received) == 1


async def test_a_repeated_press_writes_no_second_webhook(world, repair_system):
    chat = world.new_chat()
    await register(chat)
    await quote_event(world)
    message = await quote_message(world, chat)
    await chat.press(answer_button(message, "✅"))
    await chat.press(answer_button(message, "📞"))
    assert await count(world.container, "outbound_webhooks") == 1


async def test_without_the_url_answers_are_kept_and_no_webhook_row_is_written(tg):
    await _approve(tg)
    assert await count(tg.container, "quote_answers") == 1
    assert await count(tg.container, "outbound_webhooks") == 0
    assert tg.container.webhook_delivery() is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"repair_system_webhook_url": "http://127.0.0.1:9/h"}, "together, or neither"),
        ({"repair_system_webhook_secret": SECRET}, "together, or neither"),
        (
            {"repair_system_webhook_url": "http://127.0.0.1:9/h", "repair_system_webhook_secret": "plain"},
            "starts with whsec_",
        ),
        (
            {"repair_system_webhook_url": "http://127.0.0.1:9/h", "repair_system_webhook_secret": "whsec_!!"},
            "base64",
        ),
    ],
)
def test_the_repair_system_webhook_settings_are_checked(database, overrides, message):
    with pytest.raises(ValidationError, match=message):
        make_settings(database, **overrides)


async def test_a_whatsapp_answer_reaches_the_repair_system_signed(world, repair_system):
    conversation = Conversation(world.container.chat, key_secret="k", sender_number="whatsapp:+15550001111")
    for n, body in enumerate(("Привет", "да", "пропустить", "нет")):
        await conversation.handle(Inbound("79031234567", body, profile_name="Мария", message_sid=f"SM{n}"))
    await quote_event(world, phone="+79031234567")
    await conversation.handle(Inbound("79031234567", "нет", message_sid="SM10"))
    await repair_system.start()
    webhooks = world.container.webhook_delivery()
    try:
        assert (await webhooks.deliver_due()).delivered == 1
    finally:
        await webhooks.aclose()
    [got] = repair_system.received
    assert (got["raw"]["order_id"], got["raw"]["answer"]) == ("R-1042", "declined")
    assert repair_system.rejected == []
