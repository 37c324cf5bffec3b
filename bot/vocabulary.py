"""What a member can ask for in any chat. Telegram's commands, buttons and callback data and
WhatsApp's words and numbers are keyed by these; a value is the Telegram command and label key."""

from __future__ import annotations

from enum import StrEnum


class Screen(StrEnum):
    """In the menu's order; rendered from the templates `screen_<value>`."""

    MENU = "menu"
    BALANCE = "balance"
    REPAIRS = "repairs"
    TIER = "tier"
    OFFERS = "offers"
    INVITE = "invite"
    PROFILE = "profile"
    RULES = "rules"  # how the program works, from the rules file
    HELP = "help"


class Action(StrEnum):
    LANGUAGE = "language"
    UNSUBSCRIBE = "unsubscribe"  # marketing off; WhatsApp's STOP
    SUBSCRIBE = "subscribe"  # marketing on; WhatsApp's START
    EXPORT = "export"
    DELETE = "delete_me"
    ASK = "ask"  # a question to a person at the shop


SCREEN_NAMES = frozenset(Screen)  # `in` with a plain string (a callback's), which Enum refuses before 3.12
