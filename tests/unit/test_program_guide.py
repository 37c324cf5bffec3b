"""/rules is generated from the rules file: change a number there and the text changes with it."""

from __future__ import annotations

import re

import pytest

from app.rules_file import DEFAULT_RULES, parse_rules
from domain.program_guide import get_rules_view
from messages import Renderer

DEFAULT = DEFAULT_RULES.read_text(encoding="utf-8")


def _text(rules_text: str, locale: str, channel: str = "telegram") -> str:
    rules = parse_rules(rules_text)
    return Renderer(currency=rules.currency).render(
        "screen_rules", locale, channel, view=get_rules_view(rules, locale)
    )


@pytest.mark.parametrize(
    ("old", "new", "ru", "en"),
    [
        ("max_bill_share_percent = 30", "max_bill_share_percent = 45", "до 45% счёта", "up to 45% of a bill"),
        ("earn_rate_percent = 7", "earn_rate_percent = 8", "Золото: 8%", "Gold: 8%"),
        ("threshold = 50000", "threshold = 55000", "от 55\xa0000 ₽", "from 55,000"),
        ("window_days = 365", "window_days = 181", "за последний 181 день", "the last 181 days"),
        ("[earning]\nexpires_days = 365", "[earning]\nexpires_days = 22", "действуют 22 дня", "last 22 days"),
        ("warn_days_ahead = 7", "warn_days_ahead = 1", "за 1 день", "1 day ahead"),
        ("[welcome]\npoints = 200", "[welcome]\npoints = 21", "21 балл на", "21 points for"),
        ("[birthday]\npoints = 500", "[birthday]\npoints = 702", "702 балла", "702 points"),
        ("friend_bonus = 300", "friend_bonus = 305", "305 баллов", "gets 305 points"),
        ("min_first_repair = 1000", "min_first_repair = 2500", "от 2\xa0500 ₽", "at least 2,500"),
    ],
)
def test_changing_a_number_in_the_rules_changes_the_rules_text(old, new, ru, en):
    assert old in DEFAULT
    changed = DEFAULT.replace(old, new, 1)
    for locale, expected in (("ru", ru), ("en", en)):
        before, after = _text(DEFAULT, locale), _text(changed, locale)
        assert expected in after and expected not in before, (locale, after)


@pytest.mark.parametrize("channel", ["telegram", "whatsapp"])
@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_rules_text_covers_earning_spending_expiry_bonuses_and_where_to_ask(locale, channel):
    text = _text(DEFAULT, locale, channel)
    words = {
        "ru": ["Начисление", "Списание", "Сгорание", "Бонусы", "Платина: 10%", "1 балл = 1 ₽", "Вопрос"],
        "en": ["Earning", "Spending", "Expiry", "Bonuses", "Platinum: 10%", "1 point = 1 RUB", "question"],
    }[locale]
    assert all(w in text for w in words), text
    assert ("/ask" in text) is (channel == "telegram")
    assert len(text) <= (4096 if channel == "telegram" else 1600)


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_a_bonus_the_rules_switch_off_is_not_promised_as_zero_points(locale):
    off = DEFAULT.replace("[welcome]\npoints = 200", "[welcome]\npoints = 0", 1)
    off = off.replace("[birthday]\npoints = 500", "[birthday]\npoints = 0", 1)
    text = _text(off, locale)
    assert not re.search(r"\b0 (баллов|points)", text), text
    assert ("За регистрацию" if locale == "ru" else "For joining") not in text
    assert ("Другу по вашей ссылке" if locale == "ru" else "A friend you invite") in text
    nothing = off.replace("friend_bonus = 300", "friend_bonus = 0", 1)
    nothing = nothing.replace("referrer_bonus = 500", "referrer_bonus = 0", 1)
    assert ("Бонусы" if locale == "ru" else "Bonuses") not in _text(nothing, locale)
