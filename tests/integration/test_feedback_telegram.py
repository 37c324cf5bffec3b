"""Rating a repair in Telegram through the real dispatcher, on both databases: the score buttons,
the comment step, the staff alert, and every press that must change nothing."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage

from app.bootstrap import bootstrap
from bot.telegram.callbacks import FeedbackCb
from tests.feedback_support import complete_repair, feedback_rows
from tests.quote_support import deliver_to
from tests.telegram_support import TelegramWorld, buttons_of, make_settings, register, tg

__all__ = ["tg"]

STAFF = -1001234567890
PHONE = "+79161234567"
ASK_DAY = date(2026, 11, 23)
ELEVEN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 11:00 in Moscow, the day after the repair


@pytest.fixture
async def world(database, engine, clock, rules):
    settings = make_settings(database, staff_telegram_chat_id=STAFF)
    container = bootstrap(settings, clock=clock, rules=rules, engine=engine, channel_builders={})
    return TelegramWorld(container, clock)


async def _asked(world, chat, phone=PHONE, order="R-1"):
    """A member's repair completed today, the job run at 11:00 tomorrow, its request delivered."""
    await complete_repair(world.container.uow, world.container.rules, order, phone, world.clock.now())
    world.clock.set(ELEVEN)
    await world.container.jobs.run("feedback_requests", ASK_DAY)
    [message] = [m for m in await deliver_to(world, chat) if "Как вам наш ремонт?" in m.text]
    return message


def _score(message, digit: str) -> str:
    [button] = [b for b in buttons_of(message) if b.text.startswith(digit)]
    return button.callback_data


def _alerts(requests):
    return [r.text for r in requests if isinstance(r, AnswerCallbackQuery) and r.text]


def _to_staff(requests):
    return [r.text for r in requests if isinstance(r, SendMessage) and r.chat_id == STAFF]


def _to_customer(requests, chat):
    return [r for r in requests if isinstance(r, SendMessage) and r.chat_id == chat.user_id]


async def test_the_request_has_five_buttons_each_with_its_digit(world):
    chat = world.new_chat()
    await register(chat)
    message = await _asked(world, chat)
    assert "Заказ R-1: Ноутбук Lenovo T14." in message.text and "от 1 до 5" in message.text
    assert [b.text for b in buttons_of(message)] == ["1 😞", "2 🙁", "3 😐", "4 🙂", "5 🤩"]
    assert all(len(b.callback_data.encode()) <= 64 for b in buttons_of(message))


async def test_a_low_score_alerts_the_staff_and_its_comment_follows_and_a_second_score_changes_nothing(world):
    chat = world.new_chat()
    await register(chat)
    message = await _asked(world, chat)
    pressed = await chat.press(_score(message, "2"))
    [alert] = _to_staff(pressed)
    assert "Низкая оценка ремонта" in alert and "(Telegram)" in alert
    assert "Заказ R-1: Ноутбук Lenovo T14" in alert
    assert "Оценка: <b>2</b> из 5" in alert and "+7 916 ***-**-67" in alert and PHONE not in alert
    [thanks] = _to_customer(pressed, chat)
    assert "Нам жаль" in thanks.text and [b.text for b in buttons_of(thanks)] == ["Без комментария"]

    commented = await chat.say("Долго ждали запчасть")
    [follow_up] = _to_staff(commented)
    assert "Комментарий к низкой оценке" in follow_up and "«Долго ждали запчасть»" in follow_up
    assert "Заказ R-1" in follow_up and "+7 916 ***-**-67" in follow_up
    assert any("Спасибо за отзыв" in m.text for m in _to_customer(commented, chat))

    again = await chat.press(_score(message, "5"))
    assert _alerts(again) == [
        "Вы уже оценили ремонт по заказу R-1: 2 из 5. Спасибо! Каждый ремонт оценивается один раз."
    ]
    assert _to_staff(again) == []
    [row] = await feedback_rows(world.container.engine)
    assert (row["score"], row["comment"], row["channel"]) == (2, "Долго ждали запчасть", "telegram")
    assert (await chat.say("И ещё одно")) and (await feedback_rows(world.container.engine))[0]["comment"] == (
        "Долго ждали запчасть"
    )  # one comment per repair: the next text is an ordinary message


async def test_a_high_score_alerts_nobody_and_no_comment_ends_the_step(world):
    chat = world.new_chat()
    await register(chat)
    message = await _asked(world, chat)
    pressed = await chat.press(_score(message, "5"))
    assert _to_staff(pressed) == []
    [thanks] = _to_customer(pressed, chat)
    skipped = await chat.press(buttons_of(thanks)[0].callback_data)
    assert _alerts(skipped) == ["Хорошо, без комментария. Спасибо, что оценили наш ремонт!"]
    await chat.say("Привет")
    [row] = await feedback_rows(world.container.engine)
    assert (row["score"], row["comment"]) == (5, None) and row["comment_closed_at"] is not None


async def test_a_command_instead_of_a_comment_is_that_command(world):
    chat = world.new_chat()
    await register(chat)
    message = await _asked(world, chat)
    await chat.press(_score(message, "1"))
    menu = await chat.say("/menu")
    assert _to_staff(menu) == []
    assert not any("Спасибо за отзыв" in m.text for m in _to_customer(menu, chat))
    later = await chat.say("просто текст")
    assert _to_staff(later) == []
    [row] = await feedback_rows(world.container.engine)
    assert (row["score"], row["comment"]) == (1, None)


async def test_a_text_after_the_comment_minutes_is_an_ordinary_message(world):
    chat = world.new_chat()
    await register(chat)
    message = await _asked(world, chat)
    await chat.press(_score(message, "2"))
    world.clock.advance(timedelta(minutes=61))
    later = await chat.say("Когда сгорят баллы?")
    assert _to_staff(later) == []
    assert not any("комментари" in m.text or "Спасибо за отзыв" in m.text for m in _to_customer(later, chat))
    [row] = await feedback_rows(world.container.engine)
    assert (row["score"], row["comment"]) == (2, None)


async def test_a_comment_too_long_is_refused_and_a_shorter_one_is_kept(world):
    chat = world.new_chat()
    await register(chat)
    message = await _asked(world, chat)
    await chat.press(_score(message, "4"))
    refused = await chat.say("а" * 1001)
    assert any("до 1\xa0000 символов" in m.text for m in _to_customer(refused, chat))
    await chat.say("Всё хорошо")
    [row] = await feedback_rows(world.container.engine)
    assert row["comment"] == "Всё хорошо"


async def test_forged_and_stale_presses_change_nothing_and_are_answered_politely(world):
    mine, theirs = world.new_chat(), world.new_chat(user_id=555002)
    await register(mine)
    await register(theirs, phone="+79161234568")
    message = await _asked(world, mine)
    [other] = [r for r in await feedback_rows(world.container.engine)]
    # the other customer presses this customer's button, a score of 9, garbage, a deleted request
    forged = [
        (theirs, _score(message, "1")),
        (mine, FeedbackCb(score="9", ref=str(other["id"])).pack()),
        (mine, FeedbackCb(score="1", ref="abc").pack()),
        (mine, FeedbackCb(score="1", ref="999999").pack()),
        (mine, FeedbackCb(score="-1", ref=str(other["id"])).pack()),
    ]
    for chat, data in forged:
        answered = await chat.press(data)
        assert _alerts(answered) == [
            "Эта кнопка больше не действует. Спасибо, что хотели оценить наш ремонт!"
        ]
        assert _to_staff(answered) == []
    garbage = await mine.press("fb:zzz")  # not even our callback's shape
    assert _alerts(garbage)
    [row] = await feedback_rows(world.container.engine)
    assert row["score"] is None and row["answered_at"] is None


async def test_a_late_score_changes_nothing_and_is_told_so(world):
    chat = world.new_chat()
    await register(chat)
    message = await _asked(world, chat)
    world.clock.advance(timedelta(days=7, seconds=1))
    late = await chat.press(_score(message, "3"))
    [told] = _alerts(late)
    assert told.startswith("Время для оценки ремонта по заказу R-1 уже вышло.")
    assert _to_staff(late) == []
    assert (await feedback_rows(world.container.engine))[0]["score"] is None


async def test_without_a_staff_chat_a_low_score_is_kept_and_thanked(tg):
    chat = tg.new_chat()
    await register(chat)
    message = await _asked(tg, chat)
    pressed = await chat.press(_score(message, "1"))
    assert [m for m in _to_customer(pressed, chat) if "Нам жаль" in m.text]
    assert not [r for r in pressed if isinstance(r, SendMessage) and r.chat_id != chat.user_id]
    assert (await feedback_rows(tg.container.engine))[0]["score"] == 1


async def test_a_failing_staff_chat_is_logged_and_the_customer_still_thanked(world, caplog):
    chat = world.new_chat()
    await register(chat)
    message = await _asked(world, chat)
    chat.session.queue_for(
        SendMessage, 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )
    with caplog.at_level(logging.WARNING):
        pressed = await chat.press(_score(message, "2"))
    assert "the low score of R-1 could not be passed on" in caplog.text
    assert [m for m in _to_customer(pressed, chat) if "Нам жаль" in m.text]
    assert (await feedback_rows(world.container.engine))[0]["score"] == 2
