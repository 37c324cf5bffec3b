"""Server-side form checks with a message per field, for any /admin page.

    form = Form(await visit.request.form())
    points = form.integer("points", minimum=-100_000, maximum=100_000, nonzero=True)
    reason = form.text("reason", max_length=200)
    if not form.ok:
        return visit.render("page.html", form=form, status=422)

A failed check records a label key of `[form]` (messages/labels/admin_<locale>.toml) and its values;
templates/_form.html's `field(...)` macro shows the message next to the field and keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from messages.admin import AdminWords


@dataclass(frozen=True)
class FieldError:
    key: str  # a label key, e.g. "form.required"
    values: dict[str, object] = field(default_factory=dict)


class Form:
    def __init__(self, data: Mapping[str, object] | None = None) -> None:
        self.values: dict[str, str] = {
            k: v for k, v in (data or {}).items() if isinstance(v, str) and k != "csrf_token"
        }
        self.errors: dict[str, FieldError] = {}

    @property
    def ok(self) -> bool:
        return not self.errors

    def value(self, name: str) -> str:
        return self.values.get(name, "")

    def fail(self, name: str, key: str, **values: object) -> None:
        """Mark `name` wrong with the label `key` (the first failure of a field is the one shown)."""
        self.errors.setdefault(name, FieldError(key, values))

    def message(self, name: str, words: AdminWords) -> str | None:
        error = self.errors.get(name)
        return None if error is None else words.t(error.key, **error.values)

    def text(self, name: str, *, required: bool = True, max_length: int = 200) -> str:
        value = self.value(name).strip()
        if required and not value:
            self.fail(name, "form.required")
        elif len(value) > max_length:
            self.fail(name, "form.too_long", max=max_length)
        return value

    def integer(self, name: str, *, minimum: int, maximum: int, nonzero: bool = False) -> int | None:
        raw = self.value(name).strip().replace(" ", "").replace("\u00a0", "")
        if not raw:
            self.fail(name, "form.required")
            return None
        try:
            number = int(raw.replace("−", "-"))
        except ValueError:
            self.fail(name, "form.not_integer")
            return None
        if not minimum <= number <= maximum:
            self.fail(name, "form.out_of_range", min=minimum, max=maximum)
            return None
        if nonzero and number == 0:
            self.fail(name, "form.not_zero")
            return None
        return number

    def date(self, name: str, *, required: bool = False) -> dt.date | None:
        raw = self.value(name).strip()
        if not raw:
            if required:
                self.fail(name, "form.required")
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.fail(name, "form.not_date")
            return None
