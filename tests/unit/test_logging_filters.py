"""Phone numbers asked for in a URL do not reach the access log."""

from __future__ import annotations

import logging

from app.logging_filters import RedactPhones, redact_query


def test_a_phone_in_the_query_is_masked_to_its_last_two_digits():
    assert redact_query("/api/v1/customers?phone=%2B79161234567") == "/api/v1/customers?phone=***67"
    assert redact_query("/x?a=1&PHONE=%2B7916&b=2") == "/x?a=1&PHONE=***16&b=2"
    assert redact_query("/healthz") == "/healthz"


def test_the_access_log_record_is_rewritten_before_it_is_formatted():
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/customers?phone=79161234567", "1.1", 200),
        None,
    )
    assert RedactPhones().filter(record)
    assert "79161234567" not in record.getMessage() and "phone=***67" in record.getMessage()
