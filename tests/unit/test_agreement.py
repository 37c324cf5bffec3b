"""Words agree with their numbers and devices, the way a native reader expects.

The tables below are written by hand, phrase by phrase: a number's noun, and the verb or adjective
that goes with it, come from the plural rules (1 балл сгорит, 2 балла сгорят, 21 балл сгорит), a
device's gender and number decide its status (Часы готовы, Приставка принята). Then every template
is rendered in both languages with each of the numbers and each device category, and scanned for the
slips a reader notices at once: a counted noun in the wrong form, a verb that does not agree, two
sentences glued together by a lost line break, a line that starts with a small letter.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from domain.repairs import DeviceCategory, RepairStatus
from domain.views import RepairsView
from messages import LOCALES, Renderer
from messages.renderer import CHANNELS, plural_word
from tests.samples import all_samples
from tests.samples.screens import SAMPLES as SCREENS
from tests.samples.screens import _repair
from tests.samples.shop import SHOP

renderer = Renderer()
RENDERERS = {"no shop": renderer, "shop": Renderer(shop=SHOP)}
SAMPLES = all_samples()
NUMBERS = (1, 2, 5, 11, 21, 22, 25, 101, 111)

EXPIRING_RU = {
    1: "сгорит 1 балл",
    2: "сгорят 2 балла",
    5: "сгорят 5 баллов",
    11: "сгорят 11 баллов",
    21: "сгорит 21 балл",
    22: "сгорят 22 балла",
    25: "сгорят 25 баллов",
    101: "сгорит 101 балл",
    111: "сгорят 111 баллов",
}
BALANCE_EXPIRY_RU = {
    1: "1 балл сгорит",
    2: "2 балла сгорят",
    5: "5 баллов сгорят",
    11: "11 баллов сгорят",
    21: "21 балл сгорит",
    22: "22 балла сгорят",
    25: "25 баллов сгорят",
    101: "101 балл сгорит",
    111: "111 баллов сгорят",
}
EARNED_RU = {
    1: "Начислен 1 балл",
    2: "Начислено 2 балла",
    5: "Начислено 5 баллов",
    11: "Начислено 11 баллов",
    21: "Начислен 21 балл",
    22: "Начислено 22 балла",
    25: "Начислено 25 баллов",
    101: "Начислен 101 балл",
    111: "Начислено 111 баллов",
}
INVITED_RU = {
    1: "пришёл 1 друг",
    2: "пришли 2 друга",
    5: "пришли 5 друзей",
    11: "пришли 11 друзей",
    21: "пришёл 21 друг",
    22: "пришли 22 друга",
    25: "пришли 25 друзей",
    101: "пришёл 101 друг",
    111: "пришли 111 друзей",
}
WINDOW_RU = {
    1: "За последний 1 день",
    2: "За последние 2 дня",
    5: "За последние 5 дней",
    11: "За последние 11 дней",
    21: "За последний 21 день",
    22: "За последние 22 дня",
    25: "За последние 25 дней",
    101: "За последний 101 день",
    111: "За последние 111 дней",
}
EXPIRING_EN = {n: f"{n} point{'' if n == 1 else 's'} will expire" for n in NUMBERS}
INVITED_EN = {n: f"{n} friend{' has' if n == 1 else 's have'} joined" for n in NUMBERS}
EARNED_EN = {n: f"You earned {n} point{'' if n == 1 else 's'}" for n in NUMBERS}

# (category, status) -> the repairs-list line, exactly as a Russian reader expects it.
REPAIR_LINES_RU = {
    ("phone", "received"): "Телефон (заказ R-7): принят",
    ("tablet", "received"): "Планшет (заказ R-7): принят",
    ("laptop", "received"): "Ноутбук (заказ R-7): принят",
    ("desktop", "received"): "Компьютер (заказ R-7): принят",
    ("watch", "received"): "Часы (заказ R-7): приняты",
    ("console", "received"): "Приставка (заказ R-7): принята",
    ("audio", "received"): "Аудиотехника (заказ R-7): принята",
    ("other", "received"): "Устройство (заказ R-7): принято",
    ("phone", "ready"): "Телефон (заказ R-7): готов, можно забирать",
    ("tablet", "ready"): "Планшет (заказ R-7): готов, можно забирать",
    ("laptop", "ready"): "Ноутбук (заказ R-7): готов, можно забирать",
    ("desktop", "ready"): "Компьютер (заказ R-7): готов, можно забирать",
    ("watch", "ready"): "Часы (заказ R-7): готовы, можно забирать",
    ("console", "ready"): "Приставка (заказ R-7): готова, можно забирать",
    ("audio", "ready"): "Аудиотехника (заказ R-7): готова, можно забирать",
    ("other", "ready"): "Устройство (заказ R-7): готово, можно забирать",
    ("watch", "waiting_approval"): "Часы (заказ R-7): ждут вашего согласования",
    ("console", "waiting_approval"): "Приставка (заказ R-7): ждёт вашего согласования",
    ("watch", "completed"): "Часы (заказ R-7): выданы",
    ("console", "completed"): "Приставка (заказ R-7): выдана",
    ("other", "completed"): "Устройство (заказ R-7): выдано",
    ("phone", "completed"): "Телефон (заказ R-7): выдан",
}
READY_RU = {
    "phone": "Телефон готов:",
    "tablet": "Планшет готов:",
    "laptop": "Ноутбук готов:",
    "desktop": "Компьютер готов:",
    "watch": "Часы готовы:",
    "console": "Приставка готова:",
    "audio": "Аудиотехника готова:",
    "other": "Устройство готово:",
}
RECEIVED_RU = {
    "phone": "Мы приняли телефон ",
    "watch": "Мы приняли часы ",
    "console": "Мы приняли приставку ",
    "audio": "Мы приняли аудиотехнику ",
    "other": "Мы приняли устройство ",
}
REPAIR_LINES_EN = {
    ("watch", "ready"): "Watch (order R-7): ready for pickup",
    ("console", "received"): "Game console (order R-7): received",
    ("other", "completed"): "Device (order R-7): picked up",
}


def _text(template: str, locale: str, /, **context: Any) -> str:
    return renderer.render(template, locale, "plain", **context)


def _with_number(value: Any, n: int) -> Any:
    """The sample with every whole number in it (nested views too) set to `n`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return n if value >= 0 else -n
    if isinstance(value, dict):
        return {k: _with_number(v, n) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_with_number(v, n) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _with_number(getattr(value, f.name), n) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def _repairs(category: str, status: str) -> RepairsView:
    repair = dataclasses.replace(
        _repair("R-7", RepairStatus(status)), device_category=DeviceCategory(category)
    )
    return RepairsView(active=(repair,), recent=(), more_active=0, more_recent=0)


@pytest.mark.parametrize("n", NUMBERS)
def test_russian_counted_nouns_and_their_verbs_agree(n: int):
    assert EXPIRING_RU[n] in _text("points_expiring", "ru", **{**SAMPLES["points_expiring"], "points": n})
    balance = dataclasses.replace(SCREENS["screen_balance"]["view"], next_expiry_points=n)
    assert BALANCE_EXPIRY_RU[n] in _text("screen_balance", "ru", view=balance)
    assert EARNED_RU[n] in _text("points_earned", "ru", **{**SAMPLES["points_earned"], "points": n})
    invite = dataclasses.replace(SCREENS["screen_invite"]["view"], invited=n)
    assert INVITED_RU[n] in _text("screen_invite", "ru", view=invite)
    tier = dataclasses.replace(SCREENS["screen_tier"]["view"], window_days=n)
    assert WINDOW_RU[n] in _text("screen_tier", "ru", view=tier)


@pytest.mark.parametrize("n", NUMBERS)
def test_english_counted_nouns_and_their_verbs_agree(n: int):
    expiring = _text("points_expiring", "en", **{**SAMPLES["points_expiring"], "points": n})
    assert EXPIRING_EN[n] in expiring.replace(f"{n} P", f"{n} p")
    invite = dataclasses.replace(SCREENS["screen_invite"]["view"], invited=n)
    assert INVITED_EN[n] in _text("screen_invite", "en", view=invite)
    assert EARNED_EN[n] in _text("points_earned", "en", **{**SAMPLES["points_earned"], "points": n})


@pytest.mark.parametrize(("category", "status"), sorted(REPAIR_LINES_RU))
def test_a_repairs_list_line_agrees_with_its_device(category: str, status: str):
    lines = _text("screen_repairs", "ru", view=_repairs(category, status)).splitlines()
    assert REPAIR_LINES_RU[category, status] in lines


@pytest.mark.parametrize(("category", "status"), sorted(REPAIR_LINES_EN))
def test_an_english_repairs_list_line_names_the_device_with_a_capital(category: str, status: str):
    lines = _text("screen_repairs", "en", view=_repairs(category, status)).splitlines()
    assert REPAIR_LINES_EN[category, status] in lines


@pytest.mark.parametrize("category", sorted(READY_RU))
def test_ready_and_received_messages_agree_with_the_device(category: str):
    context = {"order_id": "R-7", "device_category": category, "device": "", "eta": "2026-11-24"}
    assert READY_RU[category] in _text("repair_ready", "ru", **context)
    if category in RECEIVED_RU:
        assert RECEIVED_RU[category] in _text("repair_received", "ru", **{**context, "device": "X1"})


def test_every_date_is_written_one_way():
    context = {"order_id": "R-7", "device_category": "phone", "device": "", "eta": "2026-11-24"}
    assert "24 ноября 2026" in _text("repair_received", "ru", **context)
    assert "November 24, 2026" in _text("repair_received", "en", **context)
    for locale in LOCALES:
        for name, sample in SAMPLES.items():
            text = _without_sample_strings(_text(name, locale, **sample), sample)
            assert not ISO_DAY.search(text) and not SLICED_DAY.search(text), (name, text)


ISO_DAY = re.compile(r"(?<!версия )(?<!version )\b\d{4}-\d{2}-\d{2}\b")  # a policy version looks like a date
SLICED_DAY = re.compile(r"\b\d{2}\.\d{2}\.\d{4}\b")
# A counted noun right after its number must have the form the plural rules give that number.
NOUNS_RU = {
    "points": r"балл(?:а|ов)?",
    "days": r"(?:день|дня|дней)",
    "months": r"месяц(?:а|ев)?",
    "friends": r"(?:друг|друга|друзей)",
    "repairs": r"ремонт(?:а|ов)?",
}
NUMBER = r"(\d[\d\u00a0\u202f ]*)"
GLUED = re.compile(r"[a-zа-яё0-9)»][.!?][A-ZА-ЯЁ]")


def _without_sample_strings(text: str, sample: dict[str, Any]) -> str:
    for value in sample.values():
        if isinstance(value, str) and len(value) > 3:
            text = text.replace(value, "")
    return text


def _check_russian_counts(text: str) -> None:
    for noun, pattern in NOUNS_RU.items():
        for match in re.finditer(NUMBER + r" (" + pattern + r")\b", text):
            count = int(re.sub(r"\D", "", match.group(1)))
            assert match.group(2) == plural_word("ru", noun, count), match.group(0)
    for match in re.finditer(NUMBER + r" балл\w* (сгорит|сгорят)|(сгорит|сгорят) " + NUMBER + " балл", text):
        count = int(re.sub(r"\D", "", match.group(1) or match.group(4)))
        verb = match.group(2) or match.group(3)
        assert verb == plural_word("ru", "will_expire", count), match.group(0)


@pytest.mark.parametrize("shop", sorted(RENDERERS))
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("n", NUMBERS)
def test_every_template_reads_right_with_every_number(locale: str, n: int, shop: str):
    for name, sample in sorted(SAMPLES.items()):
        for channel in CHANNELS:
            text = RENDERERS[shop].render(name, locale, channel, **_with_number(sample, n))
            assert text.strip(), name
            if channel != "plain":
                continue
            plain = _without_sample_strings(text, sample)
            assert not GLUED.search(plain), (name, GLUED.search(plain), text)
            for line in plain.splitlines():
                assert not line[:1].islower(), (name, line)
            if locale == "ru":
                _check_russian_counts(plain)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", [c.value for c in DeviceCategory])
def test_every_device_template_renders_with_every_category(locale: str, category: str):
    for name, sample in sorted(SAMPLES.items()):
        if "device_category" in sample:
            for device in ("", "Apple X1"):
                text = _text(name, locale, **{**sample, "device_category": category, "device": device})
                assert text.strip() and not GLUED.search(text), (name, text)
    for status in RepairStatus:
        text = _text("screen_repairs", locale, view=_repairs(category, status.value))
        assert all(not line[:1].islower() for line in text.splitlines()), text


def test_a_lost_line_break_after_a_condition_is_not_back():
    ru = _text("wa_intro", "ru", **{**SAMPLES["wa_intro"], "bonus": 200, "referred": True})
    en = _text("wa_intro", "en", **{**SAMPLES["wa_intro"], "bonus": 200, "referred": True})
    assert "200 баллов.\nВас пригласил друг" in ru
    assert "for joining.\nA friend invited you" in en
