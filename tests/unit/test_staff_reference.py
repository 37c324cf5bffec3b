"""The reference a staff card carries back to the customer: signed, and read from the card's end."""

from __future__ import annotations

from bot.staff import parse_question_ref, question_ref
from domain.customers import Channel

SECRET = "bot-token-derived-secret"


def test_the_cards_own_reference_wins_over_look_alikes_in_the_question_above_it():
    card = f"Вопрос: see #q_1_tg_0123456789abcdef please\n\n{question_ref(SECRET, 42, Channel.TELEGRAM)}"
    assert parse_question_ref(SECRET, card) == (42, Channel.TELEGRAM)


def test_a_forged_or_missing_reference_routes_nowhere():
    assert parse_question_ref(SECRET, "no reference here") is None
    assert parse_question_ref(SECRET, "#q_42_tg_0123456789abcdef") is None  # not signed by us
    assert parse_question_ref("another secret", question_ref(SECRET, 42, Channel.WHATSAPP)) is None
