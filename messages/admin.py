"""The /admin site's words: `labels/admin_<locale>.toml`, one table per page, in Russian and English.

`AdminTexts.words(locale)` gives a page everything it prints with: `t("section.key", **values)`
for a label (str.format placeholders), and the renderer's formatters (`n`, `money`, `day`, `plural`),
so a number reads «1 234,5» and money «1 234 ₽» in Russian exactly as in the customers' messages.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_percent

from messages.renderer import LABELS, LOCALES, Renderer, formatters


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def admin_labels(locale: str) -> dict[str, str]:
    """Every label of the admin site in a locale, keyed `section.key`."""
    path: Path = LABELS / f"admin_{locale}.toml"
    with path.open("rb") as fh:
        return _flatten(tomllib.load(fh))


@dataclass(frozen=True)
class AdminWords:
    """What one page in one language prints with."""

    locale: str
    labels: dict[str, str]
    helpers: dict[str, Any]

    def t(self, key: str, /, **values: object) -> str:
        """The label `key`; an unknown key is a KeyError (a bug, caught by the completeness test)."""
        text = self.labels[key]
        return text.format(**values) if values else text

    def pct(self, value: Decimal | float | None, digits: int = 1) -> str:
        """A rate 0..1 as a percentage («12,5 %» in Russian); None (nothing to divide) as a dash."""
        if value is None:
            return "—"
        sign = "\u00a0%" if self.locale == "ru" else "%"  # «12,5 %» with a no-break space; «12.5%»
        pattern = "#,##0." + "0" * digits + sign
        return format_percent(value, format=pattern, locale=self.locale)

    def month(self, month: str) -> str:
        """A `YYYY-MM` month as a short axis label: «нояб.», «Nov» (the year goes beneath it)."""
        year, number = (int(part) for part in month.split("-"))
        return format_date(date(year, number, 1), format="LLL", locale=self.locale)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.helpers[name]
        except KeyError:
            raise AttributeError(name) from None


class AdminTexts:
    """Built once by the composition root over the customers' renderer (its currency and timezone)."""

    def __init__(self, renderer: Renderer, default_locale: str = LOCALES[0]) -> None:
        self._renderer = renderer
        self.default_locale = default_locale if default_locale in LOCALES else LOCALES[0]
        self.locales = LOCALES

    def words(self, locale: str | None) -> AdminWords:
        chosen = locale if locale in LOCALES else self.default_locale
        assert chosen is not None
        return AdminWords(chosen, admin_labels(chosen), formatters(self._renderer, chosen))
