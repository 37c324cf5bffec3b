"""Campaign texts: the marketer's Jinja2 templates, rendered in a sandbox over a few customer variables.

A template may use only the variables below (and the `pts`/`n` helpers); an unknown one, a
syntax error, or anything the sandbox refuses (attribute tricks) is found when the campaign is
created, by parsing the template and rendering it for a sample customer in every language. The
text is plain: for Telegram, which reads HTML, the rendered text is escaped as a whole.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from babel.numbers import format_decimal
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from domain.campaigns import CampaignTexts, InvalidCampaign
from messages.renderer import LOCALES, plural_word

VARIABLES: dict[str, str] = {
    "name": "the customer's name (may be empty)",
    "points": "the points balance, with this campaign's bonus once credited",
    "tier": "the tier's name in the customer's language",
    "next_tier": "the next tier's name (empty at the top tier)",
    "points_to_next_tier": "money still to spend to reach the next tier, in whole currency units",
    "bonus_points": "this campaign's bonus",
}
HELPERS = ("pts", "n")
SAMPLE: dict[str, Any] = {
    "name": "Анна",
    "points": 1250,
    "tier": "Серебро",
    "next_tier": "Золото",
    "points_to_next_tier": 15000,
    "bonus_points": 100,
}


def _helpers(locale: str) -> dict[str, Any]:
    def n(value: int | float) -> str:
        return format_decimal(value, locale=locale)

    def pts(count: int) -> str:
        return f"{format_decimal(count, locale=locale)} {plural_word(locale, 'points', int(count))}"

    return {"n": n, "pts": pts}


MAX_RENDERED = 8000  # characters; the chat channels split long texts, but a promotion is not a novel
_MAX_REPEAT = 1000


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, also refusing `'x' * 10**9` and `9 ** 9 ** 9`: output that would eat memory."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (left, right))
        if operator == "**" and not (numbers and abs(right) <= 64 and abs(left) <= 10**6):
            raise SecurityError("powers are limited to small numbers")
        if operator == "*" and not numbers:
            count = right if isinstance(right, int) else left
            if not isinstance(count, int) or count > _MAX_REPEAT:
                raise SecurityError(f"repeating text is limited to {_MAX_REPEAT} times")
        return super().call_binop(context, operator, left, right)


class SandboxedCampaignTexts(CampaignTexts):
    def __init__(self) -> None:
        self._env = _Sandbox(undefined=StrictUndefined, autoescape=False)
        self._compile = lru_cache(maxsize=256)(self._env.from_string)

    def check(self, field: str, text: str) -> None:
        try:
            tree = self._env.parse(text)
        except TemplateSyntaxError as exc:
            raise InvalidCampaign(
                field, f"the template does not parse (line {exc.lineno}): {exc.message}"
            ) from None
        unknown = sorted(meta.find_undeclared_variables(tree) - set(VARIABLES) - set(HELPERS))
        if unknown:
            raise InvalidCampaign(
                field,
                f"unknown variable(s) {', '.join(unknown)}; known: {', '.join([*VARIABLES, *HELPERS])}",
            )
        for locale in LOCALES:
            try:
                rendered = self.render(text, SAMPLE, locale=locale, channel="plain")
            except Exception as exc:  # the sandbox's SecurityError, a type error, a bad filter
                raise InvalidCampaign(field, f"the template does not render: {exc}") from None
            if not rendered:
                raise InvalidCampaign(field, "the template renders to an empty message")
            if len(rendered) > MAX_RENDERED:
                raise InvalidCampaign(field, f"the template renders to more than {MAX_RENDERED} characters")

    def render(self, text: str, variables: Mapping[str, Any], *, locale: str, channel: str) -> str:
        template: Template = self._compile(text)
        rendered = template.render(**_helpers(locale), **variables).strip()
        return html.escape(rendered, quote=False) if channel == "telegram" else rendered
