"""Keep personal data out of the logs an operator reads.

Two layers: the log lines themselves name no chat id or phone (they say which update, order or
message), and, in case one slips through, every record is masked where it is made: a phone number
in the message or in a traceback keeps only its last two digits.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_PHONE_PARAM = re.compile(r"(?i)([?&]phone=)([^&#\s]*)")
# "+79161234567", "whatsapp:+79161234567", "79161234567" / "89161234567" standing alone
_PHONE = re.compile(r"(?:whatsapp:)?\+\d{9,15}(?!\d)|(?<![\w+])[78]\d{10}(?!\d)")


def redact_query(path: str) -> str:
    """'/api/v1/customers?phone=%2B79161234567' -> '/api/v1/customers?phone=***67'."""
    return _PHONE_PARAM.sub(lambda m: f"{m.group(1)}***{m.group(2)[-2:]}", path)


def mask_phones(text: str) -> str:
    """'to whatsapp:+79161234567 failed' -> 'to +***67 failed'."""
    return _PHONE.sub(lambda m: f"+***{m.group(0)[-2:]}", text)


class RedactPhones(logging.Filter):
    """For uvicorn's access log, whose record args are (client, method, path, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


def masked(record: logging.LogRecord) -> logging.LogRecord:
    """The record with any phone number in its message or traceback masked; unchanged otherwise."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # arguments that do not fit: logging reports it as usual later
        return record
    clean = mask_phones(message)
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        record.exc_text = mask_phones(logging.Formatter().formatException(record.exc_info))
    return record


def install() -> None:
    logging.getLogger("uvicorn.access").addFilter(RedactPhones())
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_phones", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return masked(previous(*args, **kwargs))

    factory.masks_phones = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
