"""The questions customers ask most are recognised in either language, by the tables in messages/labels."""

from __future__ import annotations

import pytest

from messages.faq import faq_topic


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Когда сгорят баллы?", "expiry"),
        ("а баллы сгорают?", "expiry"),
        ("When do my points expire?", "expiry"),
        ("как потратить баллы", "spend"),
        ("Можно оплатить баллами ремонт?", "spend"),
        ("How can I spend points?", "spend"),
        ("как получить уровень", "tier"),
        ("Как повысить уровень?", "tier"),
        ("how do I get a tier", "tier"),
        ("how to reach the next tier", "tier"),
    ],
)
def test_a_common_question_is_matched_to_its_topic(text, topic):
    assert faq_topic(text) == topic


@pytest.mark.parametrize("text", ["абракадабра", "привет как дела", "expensive", "", "!!!"])
def test_other_texts_match_no_topic(text):
    assert faq_topic(text) is None
