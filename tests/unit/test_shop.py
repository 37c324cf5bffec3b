"""The rules file's [shop] section: validated with the bad key named, and shown where a customer needs it."""

from __future__ import annotations

import re

import pytest

from app.rules_file import DEFAULT_RULES, RulesError, parse_rules
from bot.telegram.descriptions import SHORT_DESCRIPTION_LIMIT, descriptions
from domain.shop import Shop
from messages import LOCALES, Renderer
from tests.samples import all_samples
from tests.samples.shop import SHOP

DEFAULT = DEFAULT_RULES.read_text(encoding="utf-8")
SECTION = """
[shop]
name = { ru = "Сервисный центр «Мастер»", en = "Master repair center" }
address = { ru = "Москва, ул. Тверская, 1", en = "1 Tverskaya St, Moscow" }
phone = "+7 495 123-45-67"
hours = { ru = "ежедневно с 10:00 до 21:00", en = "daily, 10:00 to 21:00" }
map_url = "https://maps.example.com/?q=tverskaya-1"
staff_name = { ru = "Анна, администратор", en = "Anna, front desk" }
"""
renderer = Renderer(shop=SHOP)
SAMPLES = all_samples()


def _with(section: str) -> str:
    return DEFAULT + section


def test_the_shop_section_is_read_into_the_rules():
    shop = parse_rules(_with(SECTION)).shop
    assert shop == SHOP
    card = shop.card("en")
    assert (card.name, card.address, card.staff_name) == (
        "Master repair center",
        "1 Tverskaya St, Moscow",
        "Anna, front desk",
    )


def test_the_shipped_example_parses_once_uncommented():
    example = re.search(r"^# \[shop\]\n((?:# .*\n)+)", DEFAULT, re.M)
    assert example, "the rules file ships a commented [shop] example"
    lines = "\n".join(line[2:] for line in example.group(0).splitlines())
    shop = parse_rules(_with("\n" + lines + "\n")).shop
    assert shop is not None and shop.phone == "+7 495 123-45-67"


def test_without_a_shop_section_the_rules_still_load():
    assert parse_rules(DEFAULT).shop is None


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        (
            'phone = "+7 495 123-45-67"',
            'phone = "+7 495 123-45-67"\nwebsite = "x"',
            "shop.website",
            "Extra inputs",
        ),
        (
            'name = { ru = "Сервисный центр «Мастер»", en = "Master repair center" }',
            'name = { ru = "Мастер" }',
            "shop.name.en",
            "Field required",
        ),
        (
            'en = "Master repair center" }',
            'en = "Master repair center", de = "Meister" }',
            "shop.name.de",
            "Extra inputs",
        ),
        ('phone = "+7 495 123-45-67"', 'phone = "call us"', "shop.phone", "not a phone number"),
        ('map_url = "https://maps.example.com/?q=tverskaya-1"', 'map_url = "maps"', "shop.map_url", "URL"),
        ('en = "Master repair center" }', 'en = "' + "M" * 65 + '" }', "shop.name", "at most 64"),
        (
            'hours = { ru = "ежедневно с 10:00 до 21:00"',
            'hours = { ru = " ежедневно"',
            "shop.hours.ru",
            "one line",
        ),
        (
            'address = { ru = "Москва, ул. Тверская, 1", en = "1 Tverskaya St, Moscow" }\n',
            "",
            "shop.address",
            "Field required",
        ),
    ],
)
def test_a_bad_shop_section_is_refused_naming_the_key(old: str, new: str, key: str, reason: str):
    assert old in SECTION
    with pytest.raises(RulesError) as bad:
        parse_rules(_with(SECTION.replace(old, new, 1)), "rules.toml")
    assert key in str(bad.value) and reason in str(bad.value), str(bad.value)


def _ru(name: str, **context: object) -> str:
    return renderer.render(name, "ru", "plain", **{**SAMPLES[name], **context})


def _en(name: str, **context: object) -> str:
    return renderer.render(name, "en", "plain", **{**SAMPLES[name], **context})


def test_the_welcome_and_help_say_which_shop_it_is_and_where():
    for text in (_ru("tg_welcome"), _ru("wa_welcome"), _ru("screen_help")):
        assert "Сервисный центр «Мастер»" in text and "Адрес: Москва, ул. Тверская, 1" in text
        assert "Часы работы: ежедневно с 10:00 до 21:00" in text and "Телефон: +7 495 123-45-67" in text
    assert "Master repair center" in _en("screen_help") and "Opening hours: daily, 10:00 to 21:00" in _en(
        "tg_welcome"
    )
    wa_help = renderer.render("screen_help", "ru", "whatsapp", **SAMPLES["screen_help"])
    assert "*Сервисный центр «Мастер»*" in wa_help
    assert "Открыть на карте: https://maps.example.com/" in wa_help


def test_ready_says_where_and_until_when_and_approval_says_whom_to_call():
    ready = _ru("repair_ready")
    assert "Забрать можно по адресу: Москва, ул. Тверская, 1" in ready
    assert "Часы работы: ежедневно с 10:00 до 21:00." in ready
    waiting = _ru("repair_waiting_approval")
    assert "позвоните нам по телефону +7 495 123-45-67 (Анна, администратор)" in waiting
    assert "Please call us on +7 495 123-45-67 (Anna, front desk)" in _en("repair_waiting_approval")
    assert "Pick it up at 1 Tverskaya St, Moscow" in _en("repair_ready")


def test_the_consent_step_names_who_keeps_the_data():
    assert "Оператор персональных данных: Сервисный центр «Мастер», Москва, ул. Тверская, 1." in _ru(
        "tg_consent"
    )
    assert "Оператор: Сервисный центр «Мастер», Москва, ул. Тверская, 1." in _ru("wa_consent")
    for name in ("tg_consent", "wa_consent"):
        assert "Your data is kept by Master repair center, 1 Tverskaya St, Moscow." in _en(name)


def test_without_a_shop_no_card_and_no_empty_lines_are_shown():
    plain = Renderer()
    for name in ("tg_welcome", "screen_help", "repair_ready", "repair_waiting_approval", "tg_consent"):
        text = plain.render(name, "ru", "plain", **SAMPLES[name])
        assert "Адрес" not in text and "Оператор" not in text and "\n\n\n" not in text


@pytest.mark.parametrize("locale", LOCALES)
def test_the_bot_descriptions_fit_telegrams_limits_even_with_the_longest_shop_texts(locale: str):
    longest = Shop(
        names={"ru": "Я" * 64, "en": "N" * 64},
        addresses={"ru": "А" * 120, "en": "A" * 120},
        phone="+7 495 123-45-67",
        hours={"ru": "Ч" * 80, "en": "H" * 80},
    )
    long, short = descriptions(Renderer(shop=longest), locale)
    assert len(long) <= 512 and long == Renderer(shop=longest).render("tg_bot_description", locale, "plain")
    assert len(short) <= SHORT_DESCRIPTION_LIMIT
    assert short == Renderer(shop=longest).render("tg_bot_short_description", locale, "plain")
    normal_long, normal_short = descriptions(renderer, locale)
    assert SHOP.card(locale).name in normal_long and SHOP.card(locale).name in normal_short
    assert SHOP.phone in normal_long
