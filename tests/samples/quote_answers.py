"""Sample contexts of a customer's answer to a repair quote (issue 12)."""

from __future__ import annotations

from domain.customers import Channel
from domain.quote_answers import StaffQuoteNote
from domain.quotes import Answer

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
    "staff_quote_answer": {
        "note": StaffQuoteNote(
            order_id="R-1042",
            device_category="laptop",
            device="Lenovo T14",
            quote_amount_minor=250000,
            quote_text="Battery replacement",
            answer=Answer.CALL_ME,
            channel=Channel.WHATSAPP,
            phone="+79161234567",
        ),
        "phone": "+7 916 ***-**-67",
    },
}
