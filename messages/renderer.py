"""The one renderer: `render(template, locale, channel, **context)`.

Templates live in `templates/<locale>/<name>.j2`; a channel may override one with
`templates/<locale>/<channel>/<name>.j2`. Formatting goes through filters (`b`, `i`,
`code`, `link`) that the channel defines: HTML for Telegram (autoescaped), WhatsApp's
`*bold*` and `_italic_` for WhatsApp, plain text elsewhere.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape
from markupsafe import Markup, escape

from domain.shop import Shop

LOCALES = ("ru", "en")
CHANNELS = ("telegram", "whatsapp", "plain")
TEMPLATES = Path(__file__).parent / "templates"
WORDS = Path(__file__).parent / "words"
LABELS = Path(__file__).parent / "labels"


@cache
def _words(locale: str) -> dict[str, dict[str, str]]:
    with (WORDS / f"{locale}.toml").open("rb") as fh:
        return tomllib.load(fh)


@cache
def labels(locale: str) -> dict[str, str]:
    """Short button labels and command descriptions of a locale (`labels/<locale>.toml`)."""
    with (LABELS / f"{locale}.toml").open("rb") as fh:
        return {key: str(value) for key, value in tomllib.load(fh).items()}


def plural_word(locale: str, noun: str, count: int) -> str:
    """The noun's form for `count`: 1 балл, 2 балла, 5 баллов, 21 балл."""
    forms = _words(locale)[noun]
    category = Locale.parse(locale).plural_form(abs(count))
    return forms.get(category) or forms["other"]


def _html_formatters() -> dict[str, Callable[..., Any]]:
    return {
        "b": lambda s: Markup("<b>%s</b>") % s,
        "i": lambda s: Markup("<i>%s</i>") % s,
        "code": lambda s: Markup("<code>%s</code>") % s,
        "link": lambda text, url: Markup('<a href="%s">%s</a>') % (url, text),
    }


def _whatsapp_formatters() -> dict[str, Callable[..., Any]]:
    return {
        "b": lambda s: f"*{s}*",
        "i": lambda s: f"_{s}_",
        "code": lambda s: f"```{s}```",
        "link": lambda text, url: f"{text}: {url}",
    }


def _plain_formatters() -> dict[str, Callable[..., Any]]:
    return {"b": str, "i": str, "code": str, "link": lambda text, url: f"{text} ({url})"}


def _capitalize_first(text: str) -> str:
    """The first letter up, the rest as it is (Jinja's `capitalize` lowercases the rest: «Iphone»)."""
    return text[:1].upper() + text[1:]


class Renderer:
    def __init__(
        self,
        *,
        timezone: str = "Europe/Moscow",
        currency: str = "RUB",
        templates: Path = TEMPLATES,
        shop: Shop | None = None,
    ) -> None:
        """`shop` (the rules file's `[shop]`) is every template's `shop`: its card in the text's language."""
        self._tz = ZoneInfo(timezone)
        self._currency = currency
        self._shop = shop
        self._envs = {
            "telegram": self._env(templates, html=True, formatters=_html_formatters()),
            "whatsapp": self._env(templates, html=False, formatters=_whatsapp_formatters()),
            "plain": self._env(templates, html=False, formatters=_plain_formatters()),
        }

    def _env(self, templates: Path, *, html: bool, formatters: dict[str, Callable[..., Any]]) -> Environment:
        env = Environment(
            loader=FileSystemLoader(str(templates)),
            autoescape=select_autoescape(enabled_extensions=("j2",), default=True) if html else False,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        env.filters.update(formatters)
        env.filters["capitalize_first"] = _capitalize_first
        env.globals["e"] = escape if html else str
        return env

    def template_names(self, locale: str) -> list[str]:
        """Every message name of a locale (channel overrides included once)."""
        root = TEMPLATES / locale
        return sorted({p.stem for p in root.rglob("*.j2") if not p.name.startswith("_")})

    def render(self, name: str, locale: str, channel: str = "plain", /, **context: Any) -> str:
        """Positional-only, so a context key may itself be called `name`, `locale` or `channel`."""
        if locale not in LOCALES:
            locale = LOCALES[0]
        env = self._envs.get(channel, self._envs["plain"])
        helpers = self._helpers(locale)
        try:
            template = env.get_template(f"{locale}/{channel}/{name}.j2")
        except TemplateNotFound:
            template = env.get_template(f"{locale}/{name}.j2")
        return template.render(**helpers, **context).strip()

    def label(self, key: str, locale: str) -> str:
        """A short button label or command description; an unknown key is a KeyError (a bug)."""
        return labels(locale if locale in LOCALES else LOCALES[0])[key]

    def _helpers(self, locale: str) -> dict[str, Any]:
        def n(value: int | float | Decimal) -> str:
            return format_decimal(value, locale=locale)

        def pts(count: int) -> str:
            return f"{format_decimal(count, locale=locale)} {plural_word(locale, 'points', count)}"

        def plural(count: int, noun: str) -> str:
            return f"{format_decimal(count, locale=locale)} {plural_word(locale, noun, count)}"

        def money(minor: int) -> str:
            value = Decimal(minor) / 100
            fmt = "#,##0 ¤" if value == value.to_integral_value() else "#,##0.00 ¤"
            return format_currency(value, self._currency, format=fmt, locale=locale, currency_digits=False)

        def day(value: date | datetime | str) -> str:
            if isinstance(value, str):  # outbox contexts are JSON: dates travel as ISO strings
                value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
            if isinstance(value, datetime):
                value = value.astimezone(self._tz).date()
            return format_date(value, format="long" if locale == "en" else "d MMMM yyyy", locale=locale)

        def form(count: int, word: str) -> str:
            """The bare form of a word that agrees with `count` (a verb: 1 балл сгорит, 5 баллов сгорят)."""
            return plural_word(locale, word, count)

        def bar(ratio: float, width: int = 10) -> str:
            filled = max(0, min(width, round(ratio * width)))
            return "▓" * filled + "░" * (width - filled)

        return {
            "n": n,
            "pts": pts,
            "plural": plural,
            "money": money,
            "day": day,
            "form": form,
            "bar": bar,
            "locale": locale,
            "shop": self._shop.card(locale) if self._shop else None,
        }


def formatters(renderer: Renderer, locale: str) -> dict[str, Any]:
    """The templates' number, money, date and plural helpers of a locale, for other views (the
    /admin pages) that must format the same way as the customers' messages."""
    return renderer._helpers(locale if locale in LOCALES else LOCALES[0])
