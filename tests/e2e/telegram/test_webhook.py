"""The bot in webhook mode inside the running app, talking to a fake Bot API over real HTTP."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from app.bootstrap import telegram_channel
from bot.telegram.callbacks import ConsentCb, RegistrationCb
from domain.customers import Channel
from domain.outbox import OutboxMessage, OutboxStatus
from tests.builders import registered
from tests.e2e.conftest import running
from tests.e2e.telegram.conftest import SECRET, WEBHOOK_URL
from tests.telegram_support import TOKEN, USER_ID

HEADER = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
async def webhook_app(make_container, bot_api):
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        telegram_webhook_url=WEBHOOK_URL,
        telegram_webhook_secret=SECRET,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    async with running(container, background=True) as client:
        yield client, container


def _message(update_id: int, **content):
    user = {"id": USER_ID, "is_bot": False, "first_name": "Ivan", "language_code": "en"}
    message = {
        "message_id": update_id,
        "date": 1_790_000_000,
        "chat": {"id": USER_ID, "type": "private"},
        "from": user,
        **content,
    }
    return {"update_id": update_id, "message": message}


def _membership(update_id: int, old: str, new: str):
    """`my_chat_member` in the customer's private chat: `kicked` is a block, `member` an unblock."""
    user = {"id": USER_ID, "is_bot": False, "first_name": "Ivan", "language_code": "en"}
    bot = {"id": 42, "is_bot": True, "first_name": "Loyalty", "username": "loyalty_test_bot"}

    def member(status: str):
        return {"status": status, "user": bot} | ({"until_date": 0} if status == "kicked" else {})

    change = {
        "chat": {"id": USER_ID, "type": "private", "first_name": "Ivan"},
        "from": user,
        "date": int(datetime(2026, 11, 22, 7, 0, tzinfo=UTC).timestamp()),  # the test clock's now
        "old_chat_member": member(old),
        "new_chat_member": member(new),
    }
    return {"update_id": update_id, "my_chat_member": change}


def _press(update_id: int, data: str):
    user = {"id": USER_ID, "is_bot": False, "first_name": "Ivan", "language_code": "en"}
    message = {
        "message_id": 1,
        "date": 1_790_000_000,
        "chat": {"id": USER_ID, "type": "private"},
        "text": ".",
    }
    query = {"id": f"q{update_id}", "from": user, "chat_instance": "c", "data": data, "message": message}
    return {"update_id": update_id, "callback_query": query}


async def test_start_sets_the_webhook_with_its_secret_and_the_commands_in_both_languages(
    webhook_app, bot_api
):
    (webhook,) = bot_api.called("setWebhook")
    assert webhook["url"] == WEBHOOK_URL and webhook["secret_token"] == SECRET
    assert {"message", "callback_query", "my_chat_member"} <= set(webhook["allowed_updates"])
    commands = bot_api.called("setMyCommands")
    by_language = {
        c.get("language_code"): {x["command"]: x["description"] for x in c["commands"]} for c in commands
    }
    assert by_language["ru"]["balance"] == "Баланс и история баллов"
    assert by_language["en"]["balance"] == "Balance and points history"
    assert by_language[None] == by_language["ru"]  # DEFAULT_LOCALE for everybody else
    assert set(by_language["en"]) == set(by_language["ru"]) >= {"start", "delete_me", "export", "help"}


async def test_an_update_with_the_right_secret_is_answered(webhook_app, bot_api):
    client, _ = webhook_app
    response = await client.post(
        "/telegram/webhook", json=_message(1, text="/start"), headers={HEADER: SECRET}
    )
    assert response.status_code == 200 and response.json() == {"ok": True, "duplicate": False}
    (sent,) = bot_api.called("sendMessage")
    assert int(sent["chat_id"]) == USER_ID and "privacy policy" in sent["text"]
    assert sent["parse_mode"] == "HTML"


@pytest.mark.parametrize("headers", [{}, {HEADER: "wrong"}, {HEADER: SECRET + "x"}, {HEADER: ""}])
async def test_a_wrong_or_missing_secret_is_401_and_nothing_happens(webhook_app, bot_api, headers):
    client, container = webhook_app
    response = await client.post("/telegram/webhook", json=_message(2, text="/start"), headers=headers)
    assert response.status_code == 401
    assert bot_api.called("sendMessage") == []
    async with container.uow() as uow:  # not even claimed: the real update may still come
        assert await uow.events.claim("telegram:2", "telegram", container.clock.now())


async def test_a_repeated_update_id_is_processed_once(webhook_app, bot_api):
    client, _ = webhook_app
    first = await client.post("/telegram/webhook", json=_message(3, text="/start"), headers={HEADER: SECRET})
    again = await client.post("/telegram/webhook", json=_message(3, text="/start"), headers={HEADER: SECRET})
    assert first.json()["duplicate"] is False and again.json() == {"ok": True, "duplicate": True}
    assert len(bot_api.called("sendMessage")) == 1


async def test_a_body_that_is_not_an_update_is_refused(webhook_app, bot_api):
    client, _ = webhook_app
    response = await client.post("/telegram/webhook", json={"hello": "world"}, headers={HEADER: SECRET})
    assert response.status_code == 422 and bot_api.called("sendMessage") == []


async def test_the_secret_is_checked_before_the_body_is_read(webhook_app, bot_api):
    client, _ = webhook_app
    garbage = await client.post("/telegram/webhook", content=b"\xff not json", headers={HEADER: "wrong"})
    assert garbage.status_code == 401
    huge = _message(7, text="x" * (1024 * 1024))
    oversized = await client.post("/telegram/webhook", json=huge, headers={HEADER: SECRET})
    assert oversized.status_code == 413 and bot_api.called("sendMessage") == []


async def test_a_whole_registration_through_the_webhook(webhook_app, bot_api):
    client, container = webhook_app
    contact = {"phone_number": "+44 7911 123456", "first_name": "Ivan", "user_id": USER_ID}
    steps = [
        _message(10, text="/start"),
        _press(11, ConsentCb(agree=True).pack()),
        _message(12, contact=contact),
        _message(13, text="29.02.2001"),
        _message(14, text="29.02.2000"),
        _press(15, RegistrationCb(action="marketing_yes").pack()),
    ]
    for step in steps:
        response = await client.post("/telegram/webhook", json=step, headers={HEADER: SECRET})
        assert response.status_code == 200
    texts = [c["text"] for c in bot_api.called("sendMessage")]
    assert "There is no such date" in texts[-4]
    assert "Birthday saved: February 29, 2000." in texts[-3]
    assert "Welcome to the loyalty program" in texts[-1] and "200 points" in texts[-1]
    async with container.uow() as uow:
        customer = await uow.customers.by_phone("+447911123456")
    assert customer.locale == "en" and customer.birthday.isoformat() == "2000-02-29"


async def test_building_the_bot_connects_nowhere_and_no_token_means_no_bot(make_container, bot_api):
    container = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        telegram_webhook_url=WEBHOOK_URL,
        telegram_webhook_secret=SECRET,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    assert Channel.TELEGRAM in container.channels and bot_api.calls == []
    await container.channels[Channel.TELEGRAM].stop()
    assert telegram_channel(await make_container()) is None


async def test_the_webhook_is_404_when_the_bot_is_off_or_polling(make_container, bot_api):
    off = await make_container()
    async with running(off) as client:
        response = await client.post(
            "/telegram/webhook", json=_message(1, text="/start"), headers={HEADER: SECRET}
        )
        assert response.status_code == 404
    polling = await make_container(
        telegram_bot_token=TOKEN,
        telegram_api_url=bot_api.url,
        channel_builders={Channel.TELEGRAM: telegram_channel},
    )
    async with running(polling) as client:
        response = await client.post(
            "/telegram/webhook", json=_message(1, text="/start"), headers={HEADER: SECRET}
        )
        assert response.status_code == 404


async def test_an_update_whose_handling_died_is_handled_when_telegram_sends_it_again(
    webhook_app, bot_api, monkeypatch
):
    client, container = webhook_app
    runtime = container.channels[Channel.TELEGRAM]
    real_feed = runtime.dispatcher.feed_update

    async def dies(*args, **kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(runtime.dispatcher, "feed_update", dies)
    with pytest.raises(RuntimeError):
        await client.post("/telegram/webhook", json=_message(7, text="/start"), headers={HEADER: SECRET})
    assert bot_api.called("sendMessage") == []
    monkeypatch.setattr(runtime.dispatcher, "feed_update", real_feed)
    again = await client.post("/telegram/webhook", json=_message(7, text="/start"), headers={HEADER: SECRET})
    assert again.json() == {"ok": True, "duplicate": False}
    assert len(bot_api.called("sendMessage")) == 1  # handled once, at least once
    third = await client.post("/telegram/webhook", json=_message(7, text="/start"), headers={HEADER: SECRET})
    assert third.json() == {"ok": True, "duplicate": True}
    assert len(bot_api.called("sendMessage")) == 1


async def test_the_same_update_twice_at_once_is_handled_once(webhook_app, bot_api, monkeypatch):
    client, container = webhook_app
    runtime = container.channels[Channel.TELEGRAM]
    real_feed = runtime.dispatcher.feed_update
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow(*args, **kwargs):
        if not entered.is_set():  # only the first delivery is held; anything later runs through
            entered.set()
            await release.wait()
        return await real_feed(*args, **kwargs)

    monkeypatch.setattr(runtime.dispatcher, "feed_update", slow)
    first = asyncio.create_task(
        client.post("/telegram/webhook", json=_message(8, text="/start"), headers={HEADER: SECRET})
    )
    async with asyncio.timeout(10):
        await entered.wait()  # the first is being handled, however slow the machine
    second = await client.post("/telegram/webhook", json=_message(8, text="/start"), headers={HEADER: SECRET})
    assert second.status_code == 409  # Telegram sends it again later, and finds it done
    release.set()
    assert (await first).json() == {"ok": True, "duplicate": False}
    assert len(bot_api.called("sendMessage")) == 1


async def _settled(container, key: str) -> OutboxMessage:
    """Queue a welcome for the member and wait until the delivery loop has finished with it."""
    async with container.uow() as uow:
        customer = await uow.customers.by_phone("+79161234567")
        context = {"bonus": 0, "bonus_expires_at": None, "balance": 200, "tier_name": "Bronze"}
        queued = await uow.outbox.add(
            OutboxMessage(customer.id, "welcome", context, key, container.clock.now())
        )
        await uow.commit()
    async with asyncio.timeout(5):
        while True:
            async with container.uow() as uow:
                message = await uow.outbox.get(queued.id)
            if message.status is not OutboxStatus.PENDING:
                return message
            await asyncio.sleep(0.05)


async def test_a_block_stops_delivery_to_telegram_at_once_and_an_unblock_resumes_it(webhook_app, bot_api):
    client, container = webhook_app
    await registered(container.uow(), container.rules, container.clock.now(), external_id=str(USER_ID))
    blocked = await client.post(
        "/telegram/webhook", json=_membership(20, "member", "kicked"), headers={HEADER: SECRET}
    )
    assert blocked.json() == {"ok": True, "duplicate": False}
    async with container.uow() as uow:
        identity = await uow.identities.get(Channel.TELEGRAM, str(USER_ID))
    assert identity.unreachable_at == container.clock.now()
    skipped = await _settled(container, "while-blocked")
    assert skipped.status is OutboxStatus.SKIPPED and skipped.error == "no_reachable_channel"
    assert bot_api.called("sendMessage") == []  # neither the message nor an answer to the block

    unblocked = await client.post(
        "/telegram/webhook", json=_membership(21, "kicked", "member"), headers={HEADER: SECRET}
    )
    assert unblocked.json() == {"ok": True, "duplicate": False}
    sent = await _settled(container, "after-unblock")
    assert sent.status is OutboxStatus.SENT
    (message,) = bot_api.called("sendMessage")
    assert int(message["chat_id"]) == USER_ID


async def test_a_resend_between_the_answer_and_the_mark_is_not_handled_again(
    webhook_app, bot_api, monkeypatch
):
    from store.repositories.bookkeeping import SqlProcessedEventRepository

    client, _ = webhook_app
    real_claim = SqlProcessedEventRepository.claim
    marking, release = asyncio.Event(), asyncio.Event()

    async def slow_claim(self, event_id, source, at):
        if event_id == "telegram:11":
            marking.set()
            await release.wait()
        return await real_claim(self, event_id, source, at)

    monkeypatch.setattr(SqlProcessedEventRepository, "claim", slow_claim)
    first = asyncio.create_task(
        client.post("/telegram/webhook", json=_message(11, text="/start"), headers={HEADER: SECRET})
    )
    await asyncio.wait_for(marking.wait(), 10)  # handled, not yet marked
    answered = len(bot_api.called("sendMessage"))
    resend = await client.post(
        "/telegram/webhook", json=_message(11, text="/start"), headers={HEADER: SECRET}
    )
    assert resend.status_code == 409
    release.set()
    assert (await first).json() == {"ok": True, "duplicate": False}
    assert len(bot_api.called("sendMessage")) == answered == 1
