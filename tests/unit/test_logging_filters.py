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


def _record(msg: str, *args: object, exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("bot", logging.WARNING, "", 0, msg, args, exc_info)  # type: ignore[arg-type]


def test_a_phone_anywhere_in_a_log_line_keeps_only_its_last_two_digits():
    from app.logging_filters import mask_phones, masked

    assert mask_phones("reply to whatsapp:+79161234567 failed") == "reply to +***67 failed"
    assert mask_phones("phone 89161234567, and +447700900123") == "phone +***67, and +***23"
    # ids, amounts, dates and times are not phones
    kept = "update 123456789 order R-1001 for 250000 at 2026-11-24 10:30:00,123 lot 79161"
    assert mask_phones(kept) == kept
    record = masked(_record("part %s to %s failed", 2, "whatsapp:+79161234567"))
    assert record.getMessage() == "part 2 to +***67 failed"
    untouched = _record("update %s failed", 5)
    assert masked(untouched).args == (5,)  # nothing personal: formatted later as usual


def test_a_traceback_that_carries_a_phone_is_masked_too():
    import sys

    from app.logging_filters import masked

    try:
        raise ValueError("The 'To' number whatsapp:+79161234567 is not valid")
    except ValueError:
        record = masked(_record("send failed", exc_info=sys.exc_info()))
    text = logging.Formatter().format(record)
    assert "79161234567" not in text and "+***67" in text and "ValueError" in text


def test_once_installed_every_logger_masks_phones_and_installing_twice_masks_once():
    from app import logging_filters

    before = logging.getLogRecordFactory()
    try:
        logging_filters.install()
        logging_filters.install()
        record = logging.getLogger("bot.whatsapp").makeRecord(
            "bot.whatsapp", logging.WARNING, "", 0, "to %s", ("+79161234567",), None
        )
        assert record.getMessage() == "to +***67"
        assert logging.getLogRecordFactory() is not before
    finally:
        logging.setLogRecordFactory(before)
