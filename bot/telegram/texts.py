"""The customer's texts in their language: tg_* templates rendered as Telegram HTML, and button labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from messages import LOCALES, Renderer


@dataclass(frozen=True)
class Texts:
    renderer: Renderer
    locale: str

    def __call__(self, template: str, /, **context: Any) -> str:
        return self.renderer.render(template, self.locale, "telegram", **context)

    def plain(self, template: str, /, **context: Any) -> str:
        """For places Telegram shows without formatting (callback answers)."""
        return self.renderer.render(template, self.locale, "plain", **context)

    def label(self, key: str) -> str:
        return self.renderer.label(key, self.locale)


def choose_locale(chosen: str | None, telegram_language: str | None, default: str) -> str:
    """The customer's choice, else what their Telegram app speaks, else the shop's default."""
    if chosen in LOCALES:
        return chosen
    short = (telegram_language or "").split("-")[0].lower()
    return short if short in LOCALES else default
