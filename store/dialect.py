"""Insert-or-ignore and insert-or-update: SQLite and PostgreSQL spell `ON CONFLICT` alike, so one
clause on a plain INSERT serves both, and (unlike the dialects' inserts) it has a cache key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal


class _OnConflict(ClauseElement):
    __visit_name__ = "loyalty_on_conflict"
    # One (keys, updates) pair in the cache key: two string lists side by side would flatten into
    # one, and ON CONFLICT (a) DO UPDATE SET b would share a key with ON CONFLICT (a, b) DO NOTHING.
    _traverse_internals = [("spec", InternalTraversal.dp_plain_obj)]  # noqa: RUF012 (SQLAlchemy's spelling)

    def __init__(self, keys: Sequence[str], updates: Sequence[str]) -> None:
        self.spec = (tuple(keys), tuple(updates))

    @property
    def keys(self) -> tuple[str, ...]:
        return self.spec[0]

    @property
    def updates(self) -> tuple[str, ...]:
        return self.spec[1]


@compiles(_OnConflict)
def _on_conflict(element: _OnConflict, compiler: SQLCompiler, **kw: Any) -> str:
    quote = compiler.preparer.quote
    target = f"ON CONFLICT ({', '.join(quote(key) for key in element.keys)}) DO "
    if not element.updates:
        return target + "NOTHING"
    return target + "UPDATE SET " + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in element.updates)


def _insert(table: sa.Table, values: Mapping[str, Any], clause: _OnConflict) -> sa.Insert:
    stmt = sa.insert(table).values(**values)
    stmt._post_values_clause = clause  # where the dialects' on_conflict_do_* put theirs
    return stmt


def insert_ignore(table: sa.Table, on: Sequence[str], values: Mapping[str, Any]) -> sa.Insert:
    """INSERT ... ON CONFLICT (on) DO NOTHING: rowcount says whether the row is new."""
    return _insert(table, values, _OnConflict(on, ()))


def upsert(table: sa.Table, on: Sequence[str], values: Mapping[str, Any]) -> sa.Insert:
    """INSERT, or on a conflict over `on` set every other given column to the new values."""
    return _insert(table, values, _OnConflict(on, [column for column in values if column not in on]))


def insert_ignore_many(table: sa.Table, on: Sequence[str]) -> sa.Insert:
    """INSERT ... ON CONFLICT (on) DO NOTHING for `session.execute(stmt, [rows])` (executemany)."""
    stmt = sa.insert(table)
    stmt._post_values_clause = on_conflict_nothing(on)
    return stmt


def on_conflict_nothing(on: Sequence[str]) -> ClauseElement:
    """The clause alone, for an INSERT ... SELECT (set as its `_post_values_clause`). SQLite reads
    `SELECT ... WHERE ... ON CONFLICT` without ambiguity only when the SELECT has a WHERE."""
    return _OnConflict(on, ())
