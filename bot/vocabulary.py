"""What a member can ask for in any chat: the screens and the other actions, one list per kind.

Telegram's commands, callback data and buttons and WhatsApp's words and numbers are keyed by
these; the value is the Telegram command, the label key and (for screens) the template
`screen_<value>`. The words customers type stay with each channel.
"""

from __future__ import annotations

from enum import StrEnum


class Screen(StrEnum):
    """In the order of the menu; `help` comes last in every list."""

    MENU = "menu"
    BALANCE = "balance"
    REPAIRS = "repairs"
    TIER = "tier"
    OFFERS = "offers"
    INVITE = "invite"
    PROFILE = "profile"
    HELP = "help"


class Action(StrEnum):
    LANGUAGE = "language"
    UNSUBSCRIBE = "unsubscribe"  # marketing off; WhatsApp's STOP
    SUBSCRIBE = "subscribe"  # marketing on; WhatsApp's START
    EXPORT = "export"
    DELETE = "delete_me"


SCREEN_NAMES = frozenset(Screen)  # `in` with a plain string (a callback's), which Enum refuses before 3.12
