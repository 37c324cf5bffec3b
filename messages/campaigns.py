"""Campaign texts: the marketer's Jinja2 templates, rendered in a sandbox over a few customer variables.

A campaign text is a short message, so the sandbox allows little more than printing the variables
and choosing with `{% if %}`: no loops, assignments, macros, includes or blocks; a few plain filters; no
attribute or method of any value; `*`, `**` and `%` bounded so no expression can build a huge
string. Output is cut off while it renders, past MAX_RENDERED characters. Everything is checked
when the campaign is created, by parsing the template and rendering it for sample customers
(ordinary ones and the edge cases: no name, the top tier, nothing left to the next tier) in every
language, so an unknown variable or a template that breaks is refused then, with the reason.
For Telegram, which reads HTML, the rendered text is escaped as a whole: campaign texts are plain.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from babel.numbers import format_decimal
from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from domain.campaigns import CampaignTexts, InvalidCampaign
from messages.renderer import LOCALES, plural_word

VARIABLES: dict[str, str] = {
    "name": "the customer's name (may be empty)",
    "points": "the points balance, with this campaign's bonus",
    "tier": "the tier's name in the customer's language",
    "next_tier": "the next tier's name (empty at the top tier)",
    "points_to_next_tier": "money still to spend to reach the next tier, in whole currency units",
    "bonus_points": "this campaign's bonus",
}
HELPERS = ("pts", "n")
FILTERS = frozenset({"upper", "lower", "capitalize", "title", "trim", "default", "d", "round", "int", "abs"})
FORBIDDEN = (
    nodes.For,
    nodes.Macro,
    nodes.CallBlock,
    nodes.FilterBlock,
    nodes.Include,
    nodes.Import,
    nodes.FromImport,
    nodes.Extends,
    nodes.Block,
    nodes.Assign,
    nodes.AssignBlock,
    nodes.With,
    nodes.Getattr,
    nodes.Getitem,
)
SAMPLES: tuple[dict[str, Any], ...] = (
    {
        "name": "Анна",
        "points": 1250,
        "tier": "Серебро",
        "next_tier": "Золото",
        "points_to_next_tier": 15000,
        "bonus_points": 100,
    },
    {
        "name": "",
        "points": 0,
        "tier": "Платина",
        "next_tier": "",
        "points_to_next_tier": 0,
        "bonus_points": 0,
    },
    {
        "name": "Ёлкин-Палкин Константин Константинович",
        "points": 1_000_000_000,
        "tier": "Бронза",
        "next_tier": "Серебро",
        "points_to_next_tier": 1,
        "bonus_points": 1000,
    },
)
MAX_RENDERED = 8000  # characters; the chat channels split long texts, but a promotion is not a novel
_MAX_SEQUENCE = MAX_RENDERED


class TooLong(SecurityError):
    pass


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Sandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False  # the variables are plain values: nothing to reach through them

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and not (
            _number(left) and _number(right) and abs(right) <= 64 and abs(left) <= 10**6
        ):
            raise SecurityError("powers are limited to small numbers")
        if operator == "%" and not (_number(left) and _number(right)):
            raise SecurityError("% is for numbers only")
        if operator == "*" and not (_number(left) and _number(right)):
            size, count = (_size(left), right) if _size(left) is not None else (_size(right), left)
            if size is None or not isinstance(count, int) or size * count > _MAX_SEQUENCE:
                raise SecurityError(f"repeated text is limited to {_MAX_SEQUENCE} characters")
        return super().call_binop(context, operator, left, right)


def _helpers(locale: str) -> dict[str, Any]:
    def n(value: int | float) -> str:
        return format_decimal(value, locale=locale)

    def pts(count: int) -> str:
        return f"{format_decimal(count, locale=locale)} {plural_word(locale, 'points', int(count))}"

    return {"n": n, "pts": pts}


class SandboxedCampaignTexts(CampaignTexts):
    def __init__(self) -> None:
        self._env = _Sandbox(undefined=StrictUndefined, autoescape=False)
        self._env.filters = {name: f for name, f in self._env.filters.items() if name in FILTERS}
        self._env.globals = {}  # no range(), lipsum(), dict(): the helpers come with each render
        self._compile = lru_cache(maxsize=256)(self._env.from_string)

    def check(self, field: str, text: str) -> None:
        try:
            tree = self._env.parse(text)
        except TemplateSyntaxError as exc:
            raise InvalidCampaign(
                field, f"the template does not parse (line {exc.lineno}): {exc.message}"
            ) from None
        for node in tree.find_all(FORBIDDEN):
            what = (
                "attributes and indexes"
                if isinstance(node, nodes.Getattr | nodes.Getitem)
                else "loops, blocks and assignments"
            )
            raise InvalidCampaign(field, f"{what} are not allowed in a campaign text (line {node.lineno})")
        for node in tree.find_all(nodes.Filter):
            if node.name not in FILTERS:
                raise InvalidCampaign(
                    field, f"unknown filter {node.name}; allowed: {', '.join(sorted(FILTERS))}"
                )
        unknown = sorted(meta.find_undeclared_variables(tree) - set(VARIABLES) - set(HELPERS))
        if unknown:
            raise InvalidCampaign(
                field,
                f"unknown variable(s) {', '.join(unknown)}; known: {', '.join([*VARIABLES, *HELPERS])}",
            )
        for locale in LOCALES:
            for sample in SAMPLES:
                try:
                    rendered = self.render(text, sample, locale=locale, channel="plain")
                except TooLong:
                    raise InvalidCampaign(
                        field, f"the template renders to more than {MAX_RENDERED} characters"
                    ) from None
                except Exception as exc:  # the sandbox's SecurityError, a type error, an undefined value
                    raise InvalidCampaign(field, f"the template does not render: {exc}") from None
                if not rendered:
                    raise InvalidCampaign(field, "the template renders to an empty message")

    def render(self, text: str, variables: Mapping[str, Any], *, locale: str, channel: str) -> str:
        template: Template = self._compile(text)
        parts: list[str] = []
        size = 0
        for part in template.generate(**_helpers(locale), **variables):
            size += len(part)
            if size > MAX_RENDERED:
                raise TooLong(f"the text is longer than {MAX_RENDERED} characters")
            parts.append(part)
        rendered = "".join(parts).strip()
        return html.escape(rendered, quote=False) if channel == "telegram" else rendered
