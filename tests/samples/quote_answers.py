"""Sample contexts of a customer's answer to a repair quote (issue 12)."""

from __future__ import annotations

SAMPLES = {
    "quote_answered": {
        "order_id": "R-1042",
        "answer": "approved",
        "quote_amount_minor": 250000,
        "quote_text": "Замена аккумулятора",
    },
    "quote_already_answered": {"order_id": "R-1042"},
    "quote_not_waiting": {"order_id": "R-1042"},
    "quote_unknown": {},
}
