"""/rules and the common questions in WhatsApp, over a signed Twilio post, in both languages."""

from __future__ import annotations

import pytest

from tests.e2e.whatsapp.conftest import register, say


@pytest.mark.parametrize(
    ("locale", "word", "expected"),
    [("ru", "правила", "Баллами можно оплатить до 30% счёта"), ("en", "rules", "up to 30% of a bill")],
)
async def test_rules_explain_the_program_from_the_rules_file(wa, client, fake_twilio, locale, word, expected):
    await register(client, fake_twilio, locale=locale)
    text = await say(client, fake_twilio, word)
    assert expected in text and "/ask" not in text
    assert await say(client, fake_twilio, "10") == text


@pytest.mark.parametrize(
    ("locale", "question", "expected"),
    [
        ("ru", "Когда сгорят баллы?", "200 баллов сгорят"),
        ("en", "When do my points expire?", "200 points will expire on"),
        ("ru", "как потратить баллы", "Сейчас у вас 200 баллов"),
        ("en", "how can I spend points", "You have 200 points now"),
        ("ru", "как получить уровень", "До уровня «Серебро» осталось 15"),
        ("en", "how do I get a tier", "more to reach Silver"),
    ],
)
async def test_a_common_question_gets_its_answer_with_the_customers_own_numbers(
    wa, client, fake_twilio, locale, question, expected
):
    await register(client, fake_twilio, locale=locale)
    assert expected in await say(client, fake_twilio, question)
