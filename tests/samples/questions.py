"""Sample contexts of the question-and-answer texts: the customer's side and the staff chat's (issue 12)."""

from __future__ import annotations

from domain.customers import Channel
from domain.questions import StaffQuestion
from domain.repairs import RepairStatus
from tests.samples.screens import _repair

QUESTION = StaffQuestion(
    customer_id=7,
    channel=Channel.WHATSAPP,
    name="Ivan",
    phone="+79161234567",
    tier_key="silver",
    locale="en",
    open_repairs=(
        _repair("R-1", RepairStatus.WAITING_PARTS, device_brand="Apple", device_model="iPhone 13"),
    ),
    text="When will my phone be ready?",
)

SAMPLES: dict[str, dict[str, object]] = {
    "staff_question": {
        "question": QUESTION,
        "phone": "+7 916 ***-**-67",
        "tier_name": "Silver",
        "ref": "#q_7_wa_0123456789abcdef",
    },
    "staff_reply_result": {"outcome": "outside_whatsapp_window", "channel": "whatsapp", "limit": 3000},
    "staff_reply": {"text": "Tomorrow after 12:00."},
    "tg_ask_question": {},
    "tg_question_sent": {},
    "tg_question_failed": {},
    "tg_question_unavailable": {},
    "wa_ask_question": {},
    "wa_question_sent": {},
    "wa_question_failed": {},
    "wa_question_unavailable": {},
}
