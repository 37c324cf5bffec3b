"""One vocabulary for every chat: each screen and action is a command, a button or a word in each channel."""

from __future__ import annotations

import pytest

from bot.telegram.commands import LISTED, MEMBER_COMMANDS
from bot.telegram.keyboards import MENU_SCREENS
from bot.vocabulary import Action, Screen
from bot.whatsapp.keywords import NUMBERS, WORDS, command_of
from messages import LOCALES, Renderer
from messages.renderer import TEMPLATES, labels


@pytest.mark.parametrize("screen", Screen)
def test_every_screen_is_a_telegram_command_and_button_and_a_whatsapp_word_and_number(screen):
    assert screen in LISTED and screen in MEMBER_COMMANDS
    assert screen in MENU_SCREENS or screen is Screen.MENU  # the menu is every screen's way back
    assert WORDS[screen] and all(command_of(word) is screen for word in WORDS[screen])
    number = next(n for n, command in NUMBERS.items() if command is screen)
    assert command_of(number) is screen
    for locale in LOCALES:
        assert labels(locale)[screen].strip() and labels(locale)[f"cmd_{screen}"].strip()
        assert (TEMPLATES / locale / f"screen_{screen}.j2").is_file()
        menu = (TEMPLATES / locale / "whatsapp" / "screen_menu.j2").read_text()
        assert f"\n{number} — " in menu, (locale, number)


@pytest.mark.parametrize("action", Action)
def test_every_action_is_a_telegram_command_described_in_both_languages(action):
    assert action in LISTED and action in MEMBER_COMMANDS
    assert all(Renderer().label(f"cmd_{action}", locale).strip() for locale in LOCALES)
