"""The shop's identity, as customers see it: its name, where it is, when it is open, whom to call.

Set in the `[shop]` section of the rules file (validated in app/rules_file.py); the texts in
messages/ show it in the welcome, /help, the ready and waiting-for-approval messages, the consent
step and the Telegram bot's description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class ShopCard:
    """The shop in one language, ready for a template."""

    name: str
    address: str
    phone: str
    hours: str
    map_url: str | None
    staff_name: str | None


@dataclass(frozen=True)
class Shop:
    names: Mapping[str, str]
    addresses: Mapping[str, str]
    phone: str
    hours: Mapping[str, str]
    map_url: str | None = None
    staff_names: Mapping[str, str] | None = None

    def card(self, locale: str) -> ShopCard:
        def pick(texts: Mapping[str, str]) -> str:
            return texts.get(locale) or next(iter(texts.values()))

        return ShopCard(
            name=pick(self.names),
            address=pick(self.addresses),
            phone=self.phone,
            hours=pick(self.hours),
            map_url=self.map_url,
            staff_name=pick(self.staff_names) if self.staff_names else None,
        )
