"""Button labels and command descriptions: complete in both languages, and every one the bot uses exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.telegram.commands import LISTED, MEMBER_COMMANDS, command_list
from bot.telegram.keyboards import MENU_SCREENS
from messages import LOCALES, Renderer
from messages.renderer import labels

BOT = Path(__file__).parents[2] / "bot" / "telegram"


def test_both_locales_have_the_same_labels():
    assert labels("ru").keys() == labels("en").keys()


@pytest.mark.parametrize("locale", LOCALES)
def test_labels_are_short_and_not_empty(locale):
    for key, text in labels(locale).items():
        assert text.strip(), key
        limit = 256 if key.startswith(("cmd_", "share_text")) else 64
        assert len(text) <= limit, key


def test_every_label_the_code_asks_for_exists():
    used = set()
    for path in BOT.rglob("*.py"):
        used |= set(re.findall(r"label\(\s*\"([a-z_]+)\"", path.read_text()))
    used |= {*MENU_SCREENS, "marketing_on", "marketing_off", "lang_ru", "lang_en"}
    used |= {f"cmd_{name}" for name in LISTED}
    assert used - labels("ru").keys() == set()


def test_every_member_command_is_listed_for_telegram():
    assert set(MEMBER_COMMANDS) <= set(LISTED)


@pytest.mark.parametrize("locale", LOCALES)
def test_command_descriptions_fit_telegrams_limits(locale):
    for command in command_list(Renderer(), locale):
        assert 1 <= len(command.description) <= 256 and re.fullmatch(r"[a-z0-9_]{1,32}", command.command)


def test_an_unknown_locale_falls_back_to_the_first():
    assert Renderer().label("yes", "de") == "Да"
