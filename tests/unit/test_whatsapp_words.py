"""What customers' WhatsApp words mean: commands in both languages, yes/no, dates, the language."""

from __future__ import annotations

from datetime import date

import pytest

from bot.vocabulary import Action, Screen
from bot.whatsapp.keywords import (
    command_of,
    detect_locale,
    is_no,
    is_skip,
    is_yes,
    normalise,
    referral_code_in,
    wanted_locale,
)
from domain.birthdays import BadBirthday, parse_birthday

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("menu", Screen.MENU),
        ("МЕНЮ", Screen.MENU),
        ("0", Screen.MENU),
        ("balance", Screen.BALANCE),
        ("Баланс!!!", Screen.BALANCE),
        (" 1 ", Screen.BALANCE),
        ("repairs", Screen.REPAIRS),
        ("ремонт", Screen.REPAIRS),
        ("tier", Screen.TIER),
        ("уровень", Screen.TIER),
        ("offers", Screen.OFFERS),
        ("акции", Screen.OFFERS),
        ("invite", Screen.INVITE),
        ("пригласить", Screen.INVITE),
        ("profile", Screen.PROFILE),
        ("профиль", Screen.PROFILE),
        ("STOP", Action.UNSUBSCRIBE),
        ("СТОП", Action.UNSUBSCRIBE),
        ("stop.", Action.UNSUBSCRIBE),
        ("unsubscribe", Action.UNSUBSCRIBE),
        ("отписаться", Action.UNSUBSCRIBE),
        ("START", Action.SUBSCRIBE),
        ("СТАРТ", Action.SUBSCRIBE),
        ("help", Screen.HELP),
        ("помощь", Screen.HELP),
        ("?", Screen.HELP),
        ("delete", Action.DELETE),
        ("Удалить", Action.DELETE),
        ("language", Action.LANGUAGE),
        ("язык", Action.LANGUAGE),
        ("7", Action.LANGUAGE),
    ],
)
def test_keywords_in_both_languages_ignore_case_and_punctuation(text, command):
    assert command_of(text) is command


@pytest.mark.parametrize("text", ["", "   ", "11", "balance please now", "🙂", "12"])
def test_anything_else_is_no_command(text):
    assert command_of(text) is None


def test_normalise_folds_case_yo_punctuation_and_spaces():
    assert normalise("  Ещё,  БАЛАНС!!  ") == "еще баланс"


def test_yes_no_and_skip_in_both_languages():
    assert all(is_yes(t) for t in ("ДА", "да!", "Yes", "ok", "Согласен"))
    assert all(is_no(t) for t in ("НЕТ", "no.", "Нет"))
    assert not is_yes("нет") and not is_no("да")
    assert is_skip("пропустить") and is_skip("Skip")


@pytest.mark.parametrize(
    ("text", "locale"),
    [("hi", "en"), ("Menu", "en"), ("Привет", "ru"), ("123", "ru"), ("🙂", "ru"), ("Hola, qué tal", "ru")],
)
def test_the_language_of_a_first_message(text, locale):
    assert detect_locale(text, "ru") == locale


def test_language_words_choose_and_the_bare_word_toggles():
    assert wanted_locale("English", "ru") == "en"
    assert wanted_locale("язык ru", "en") == "ru"
    assert wanted_locale("language", "ru") == "en"
    assert wanted_locale("язык", "en") == "ru"


def test_the_referral_code_is_found_in_the_prefilled_text_with_its_case():
    assert referral_code_in("Привет! Код приглашения: ref_Ab3_x-9QzK1") == "Ab3_x-9QzK1"
    assert referral_code_in("preref_Ab3x9QzK1") is None
    assert referral_code_in("no code") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("15.05.1990", date(1990, 5, 15)), ("1/2/1985", date(1985, 2, 1)), ("29-02-2000", date(2000, 2, 29))],
)
def test_birthdays_are_read_as_day_month_year(text, expected):
    assert parse_birthday(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31.02.1990", "impossible"),
        ("29.02.2001", "impossible"),
        ("00.01.1990", "impossible"),
        ("1990-05-15", "format"),
        ("15.05.90", "format"),
        ("завтра", "format"),
        ("01.01.2027", "future"),
        ("01.01.1850", "age"),
    ],
)
def test_impossible_or_implausible_birthdays_are_refused_with_a_reason(text, reason):
    with pytest.raises(BadBirthday) as refused:
        parse_birthday(text, TODAY)
    assert refused.value.reason == reason
