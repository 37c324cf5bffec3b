"""One insert-or-ignore and one insert-or-update for both databases, compiled once and cached."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from store.dialect import insert_ignore, upsert
from store.tables_whatsapp import whatsapp_dialogues as table

ROW = {"key": "k", "step": "consent", "locale": "ru", "data": {}, "updated_at": None}


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_both_databases_get_the_same_on_conflict_clause(dialect):
    def sql(stmt):
        return str(stmt.compile(dialect=dialect)).replace('"', "")  # SQLite quotes "key"

    assert sql(insert_ignore(table, ["key"], ROW)).endswith("ON CONFLICT (key) DO NOTHING")
    assert sql(upsert(table, ["key"], {"key": "k", "step": "s"})).endswith(
        "ON CONFLICT (key) DO UPDATE SET step = excluded.step"
    )


def test_the_statements_are_cacheable_and_their_values_are_parameters():
    first = upsert(table, ["key"], ROW)._generate_cache_key()
    assert first is not None and first == upsert(table, ["key"], {**ROW, "step": "x"})._generate_cache_key()
    assert first != insert_ignore(table, ["key"], ROW)._generate_cache_key()


def test_statements_that_differ_only_in_where_keys_end_never_share_a_cache_key():
    t = sa.Table(
        "pair",
        sa.MetaData(),
        sa.Column("a", sa.Integer),
        sa.Column("b", sa.Integer),
        sa.Column("c", sa.Integer),
    )
    values = {"a": 1, "b": 2, "c": 3}
    keys = {
        upsert(t, ["a"], values)._generate_cache_key().key,
        upsert(t, ["a", "b"], values)._generate_cache_key().key,
        insert_ignore(t, ["a", "b"], values)._generate_cache_key().key,
        insert_ignore(t, ["a", "b", "c"], values)._generate_cache_key().key,
    }
    assert len(keys) == 4
    assert (
        upsert(t, ["a"], values)._generate_cache_key().key
        == upsert(t, ["a"], values)._generate_cache_key().key
    )
