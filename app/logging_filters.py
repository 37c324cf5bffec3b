"""Keep personal data out of the logs an operator reads."""

from __future__ import annotations

import logging
import re

_PHONE_PARAM = re.compile(r"(?i)([?&]phone=)([^&#\s]*)")


def redact_query(path: str) -> str:
    """'/api/v1/customers?phone=%2B79161234567' -> '/api/v1/customers?phone=***67'."""
    return _PHONE_PARAM.sub(lambda m: f"{m.group(1)}***{m.group(2)[-2:]}", path)


class RedactPhones(logging.Filter):
    """For uvicorn's access log, whose record args are (client, method, path, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


def install() -> None:
    logging.getLogger("uvicorn.access").addFilter(RedactPhones())
