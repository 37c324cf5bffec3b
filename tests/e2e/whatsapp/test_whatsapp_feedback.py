"""Rating a repair in WhatsApp with a digit: signed Twilio posts, the real app, on both databases.

A bare 1-5 is a score only while a feedback request is open for the customer; otherwise the digits
are the numbered menu. After the score, the next text is the comment, "пропустить" skips it, and a
command ends the step and does what it says.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.e2e.whatsapp.conftest import PHONE, register, say
from tests.feedback_support import complete_repair, feedback_rows

ASK_DAY = date(2026, 11, 23)
BEFORE_ELEVEN = datetime(2026, 11, 23, 7, 55, tzinfo=UTC)  # 10:55 in Moscow
ELEVEN = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


async def _asked(wa, client, fake) -> str:
    """A repair completed today; tomorrow the customer writes (the 24-hour window opens), the job
    runs at 11:00 and its request is delivered; returns the request's text."""
    await complete_repair(wa.uow, wa.rules, "R-1", PHONE, wa.clock.now())
    wa.clock.set(BEFORE_ELEVEN)
    await say(client, fake, "меню")
    wa.clock.set(ELEVEN)
    await wa.jobs.run("feedback_requests", ASK_DAY)
    before = len(fake.sent)
    await wa.delivery().deliver_due()
    [text] = [m.get("Body", "") for m in fake.sent[before:] if "Как вам наш ремонт?" in m.get("Body", "")]
    return text


async def _row(wa) -> dict:
    [row] = await feedback_rows(wa.engine)
    return row


async def test_a_digit_is_the_score_then_the_next_text_its_comment_then_digits_are_the_menu_again(
    wa, client, fake_twilio
):
    await register(client, fake_twilio)
    request = await _asked(wa, client, fake_twilio)
    assert "Ответьте одной цифрой от 1 до 5" in request and "а не пункты меню" in request
    thanks = await say(client, fake_twilio, "4")
    assert "Спасибо за оценку!" in thanks and "ответьте «пропустить»" in thanks
    assert "Спасибо за отзыв!" in await say(client, fake_twilio, "Мастер всё объяснил, спасибо")
    row = await _row(wa)
    assert (row["score"], row["comment"], row["channel"]) == (4, "Мастер всё объяснил, спасибо", "whatsapp")
    assert await say(client, fake_twilio, "1") == await say(client, fake_twilio, "баланс")  # the menu's 1
    assert (await _row(wa))["score"] == 4


async def test_without_an_open_request_the_digits_are_the_menu(wa, client, fake_twilio):
    await register(client, fake_twilio)
    invite = await say(client, fake_twilio, "пригласить")
    assert await say(client, fake_twilio, "5") == invite  # nothing asked yet
    await _asked(wa, client, fake_twilio)
    wa.clock.advance(timedelta(days=7, seconds=1))  # the request has expired: late
    assert await say(client, fake_twilio, "5") == invite
    assert (await _row(wa))["score"] is None


async def test_a_second_digit_while_the_comment_is_awaited_is_a_repeated_score(wa, client, fake_twilio):
    await register(client, fake_twilio)
    await _asked(wa, client, fake_twilio)
    await say(client, fake_twilio, "2")
    repeated = await say(client, fake_twilio, "5")
    assert repeated == (
        "Вы уже оценили ремонт по заказу R-1: 2 из 5. Спасибо! Каждый ремонт оценивается один раз."
    )
    assert "Спасибо за отзыв!" in await say(client, fake_twilio, "Долго")
    row = await _row(wa)
    assert (row["score"], row["comment"]) == (2, "Долго")


async def test_a_command_instead_of_a_comment_is_that_command(wa, client, fake_twilio):
    await register(client, fake_twilio)
    await _asked(wa, client, fake_twilio)
    await say(client, fake_twilio, "3")
    menu = await say(client, fake_twilio, "меню")
    assert "Спасибо за отзыв" not in menu and menu == await say(client, fake_twilio, "0")
    await say(client, fake_twilio, "какой-то текст")
    row = await _row(wa)
    assert (row["score"], row["comment"]) == (3, None) and row["comment_closed_at"] is not None


async def test_skip_leaves_no_comment(wa, client, fake_twilio):
    await register(client, fake_twilio)
    await _asked(wa, client, fake_twilio)
    await say(client, fake_twilio, "5")
    skipped = await say(client, fake_twilio, "пропустить")
    assert skipped == "Хорошо, без комментария. Спасибо, что оценили наш ремонт!"
    row = await _row(wa)
    assert (row["score"], row["comment"]) == (5, None)


async def test_a_question_that_never_reached_whatsapp_leaves_the_digits_to_the_menu(wa, client, fake_twilio):
    await register(client, fake_twilio)
    await complete_repair(wa.uow, wa.rules, "R-1", PHONE, wa.clock.now())
    wa.clock.set(ELEVEN)  # more than 24 h since the customer last wrote: no template, so it is skipped
    await wa.jobs.run("feedback_requests", ASK_DAY)
    before = len(fake_twilio.sent)
    await wa.delivery().deliver_due()
    assert not any("Как вам наш ремонт?" in m.get("Body", "") for m in fake_twilio.sent[before:])
    wa.clock.advance(timedelta(days=2))
    reply = await say(client, fake_twilio, "1")  # menu item 1, not a score for a question never seen
    assert "Спасибо" not in reply
    assert (await _row(wa))["score"] is None


async def test_a_question_still_waiting_to_be_sent_is_not_answered_by_a_digit(wa, client, fake_twilio):
    await register(client, fake_twilio)
    await complete_repair(wa.uow, wa.rules, "R-1", PHONE, wa.clock.now())
    wa.clock.set(BEFORE_ELEVEN - timedelta(hours=2))
    await wa.jobs.run("feedback_requests", ASK_DAY)  # an early run: the question goes out at 11:00
    await say(client, fake_twilio, "2")
    assert (await _row(wa))["score"] is None
