"""Sample contexts of post-repair feedback (issue 11 item 5)."""

from __future__ import annotations

from domain.customers import Channel
from domain.feedback import StaffFeedbackNote

SAMPLES = {
    "feedback_request": {
        "feedback_id": 7,
        "order_id": "R-1042",
        "device_category": "laptop",
        "device": "Lenovo T14",
        "open_until": "2026-12-09T08:00:00+00:00",
    },
    "feedback_thanks": {"score": 2, "low": True},
    "feedback_already_answered": {"order_id": "R-1042", "score": 4},
    "feedback_expired": {"order_id": "R-1042"},
    "feedback_unknown": {},
    "feedback_comment_thanks": {},
    "feedback_comment_skipped": {},
    "feedback_comment_too_long": {"limit": 1000},
    "feedback_comment_late": {},
    "staff_feedback": {
        "note": StaffFeedbackNote(
            order_id="R-1042",
            device_category="laptop",
            device="Lenovo T14",
            score=2,
            comment="Waited two weeks",
            channel=Channel.WHATSAPP,
            phone="+79161234567",
        ),
        "phone": "+7 916 ***-**-67",
    },
}
