"""Texts: every template in every locale and channel, plural forms, and HTML safety."""

from __future__ import annotations

import pytest

from messages import LOCALES, Renderer
from messages.renderer import CHANNELS, plural_word
from tests.samples import all_samples
from tests.samples.shop import SHOP

renderer = Renderer()
with_shop = Renderer(shop=SHOP)
SAMPLES = all_samples()


@pytest.mark.parametrize(
    ("count", "word"),
    [
        (1, "балл"),
        (2, "балла"),
        (5, "баллов"),
        (11, "баллов"),
        (21, "балл"),
        (112, "баллов"),
        (0, "баллов"),
        (22, "балла"),
        (111, "баллов"),
        (1001, "балл"),
    ],
)
def test_russian_plural_forms_of_points(count, word):
    assert plural_word("ru", "points", count) == word


def test_english_plural_forms_of_points():
    assert [plural_word("en", "points", n) for n in (1, 2, 21)] == ["point", "points", "points"]


def test_both_locales_have_the_same_templates():
    assert renderer.template_names("ru") == renderer.template_names("en")


def test_every_template_has_a_sample_context():
    missing = set(renderer.template_names("ru")) - SAMPLES.keys()
    assert not missing, f"add sample contexts under tests/samples/ for: {sorted(missing)}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("name", sorted(SAMPLES))
@pytest.mark.parametrize("shop", [False, True], ids=["no-shop", "shop"])
def test_every_template_renders_in_every_locale_and_channel(name, locale, channel, shop):
    text = (with_shop if shop else renderer).render(name, locale, channel, **SAMPLES[name])
    assert text.strip()
    assert "{{" not in text and "{%" not in text
    if locale == "en":  # no Russian left in English texts, apart from the sample's own data
        for value in SAMPLES[name].values():
            if isinstance(value, str):
                text = text.replace(value, "")
        assert not any("а" <= ch <= "я" for ch in text.lower()), text


def test_points_are_written_with_their_plural_form():
    text = renderer.render(
        "welcome", "ru", "plain", bonus=21, bonus_expires_at=None, balance=112, tier_name="Бронза"
    )
    assert "21 балл." in text and "112 баллов" in text


def test_telegram_escapes_customer_data_and_whatsapp_uses_its_own_bold():
    html = renderer.render(
        "welcome", "en", "telegram", bonus=0, bonus_expires_at=None, balance=5, tier_name="<script>"
    )
    assert "&lt;script&gt;" in html and "<b>Welcome" in html
    wa = renderer.render(
        "welcome", "en", "whatsapp", bonus=0, bonus_expires_at=None, balance=5, tier_name="Gold"
    )
    assert "*Welcome to the loyalty program!*" in wa and "<b>" not in wa
