"""Which database errors are an outage (answered 503 and retried later) and which are a bug."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from store.errors import is_outage


@pytest.mark.parametrize(
    "message",
    [
        "database is locked",
        "disk I/O error",
        "attempt to write a readonly database",
        "unable to open database file",
    ],
)
def test_a_sqlite_file_in_trouble_is_an_outage(message):
    assert is_outage(OperationalError("SELECT 1", {}, sqlite3.OperationalError(message)))


@pytest.mark.parametrize(
    "message", ["no such column: nope", 'near "SELEC": syntax error', "no such table: x"]
)
def test_a_sqlite_bug_is_not_an_outage_but_a_500(message):
    assert not is_outage(OperationalError("SELECT nope", {}, sqlite3.OperationalError(message)))


def test_a_broken_constraint_or_a_bad_query_is_not_an_outage():
    assert not is_outage(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not is_outage(ProgrammingError("SELECT", {}, Exception("syntax error")))


def test_a_lost_connection_or_an_empty_pool_is_an_outage():
    assert is_outage(ConnectionRefusedError(111, "refused"))
    assert is_outage(TimeoutError())
