"""One insert-or-ignore and one insert-or-update for both databases, compiled once and cached."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from store.dialect import insert_ignore, upsert
from store.tables import processed_events
from store.tables_whatsapp import whatsapp_dialogues

ROW = {"key": "k", "step": "consent", "locale": "ru", "data": {}, "updated_at": None}


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_both_databases_get_the_same_on_conflict_clause(dialect):
    ignore = str(
        insert_ignore(processed_events, ["event_id"], {"event_id": "e", "source": "s"}).compile(
            dialect=dialect
        )
    )
    assert ignore.endswith("ON CONFLICT (event_id) DO NOTHING")
    update = str(upsert(whatsapp_dialogues, ["key"], ROW).compile(dialect=dialect)).replace(
        '"', ""
    )  # SQLite quotes key
    assert update.endswith(
        "ON CONFLICT (key) DO UPDATE SET step = excluded.step, locale = excluded.locale, "
        "data = excluded.data, updated_at = excluded.updated_at"
    )


def test_the_statements_are_cacheable_and_their_values_are_parameters():
    first = upsert(whatsapp_dialogues, ["key"], ROW)._generate_cache_key()
    again = upsert(
        whatsapp_dialogues, ["key"], {**ROW, "key": "other", "step": "birthday"}
    )._generate_cache_key()
    ignore = insert_ignore(whatsapp_dialogues, ["key"], ROW)._generate_cache_key()
    assert first is not None and first == again and first != ignore
