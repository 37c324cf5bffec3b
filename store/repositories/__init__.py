"""SQLAlchemy repositories. They read and write; they never commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def field_names(cls: type, *but: str) -> tuple[str, ...]:
    """The dataclass's fields, each a column of the same name, but those the repository maps itself."""
    return tuple(f.name for f in fields(cls) if f.name not in but)


def from_row(cls: type[T], row: Any, **convert: Callable[[Any], Any]) -> T:
    """The dataclass `cls` from a row of columns named as its fields; `convert` per column where
    the stored value is not the field's (an enum's value, a JSON document to copy)."""
    m = row._mapping
    values = {f.name: m[f.name] for f in fields(cls) if f.name in m}  # type: ignore[arg-type]
    return cls(**{name: convert[name](value) if name in convert else value for name, value in values.items()})
