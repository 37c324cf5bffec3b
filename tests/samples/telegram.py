"""Sample contexts of the Telegram templates (tg_*)."""

from __future__ import annotations

from datetime import UTC, date, datetime

SAMPLES = {
    "tg_consent": {
        "policy_url": "https://example.com/privacy",
        "consent_url": "https://example.com/privacy/consent",
        "policy_version": "2026-11-01",
        "referred": True,
    },
    "tg_consent_declined": {},
    "tg_ask_phone": {"button": "📱"},
    "tg_phone_not_own": {"button": "📱"},
    "tg_phone_typed": {"button": "📱"},
    "tg_phone_invalid": {"button": "📱"},
    "tg_phone_saved": {"phone": "+7 916 ***-**-67"},
    "tg_ask_birthday": {"editing": False, "example": "25.04.1990"},
    "tg_birthday_invalid": {"reason": "impossible", "example": "25.04.1990"},
    "tg_ask_marketing": {},
    "tg_welcome": {
        "name": "Иван",
        "bonus": 200,
        "bonus_expires_at": datetime(2027, 2, 20, tzinfo=UTC),
        "balance": 200,
        "tier_name": "Бронза",
    },
    "tg_joined": {"balance": 1250, "tier_name": "Серебро"},
    "tg_already_registered": {"name": "Иван"},
    "tg_registration_needed": {},
    "tg_language_prompt": {},
    "tg_language_set": {},
    "tg_marketing_changed": {"opt_in": False},
    "tg_birthday_saved": {"birthday": date(1990, 4, 25)},
    "tg_birthday_skipped": {},
    "tg_export_ready": {},
    "tg_delete_confirm": {"balance": 21},
    "tg_deleted": {},
    "tg_delete_cancelled": {},
    "tg_not_understood": {"registered": True},
    "tg_unknown_command": {"command": "/foo", "registered": False},
    "tg_too_long": {"limit": 1000, "registered": True},
    "tg_unsupported": {"registered": False},
    "tg_use_buttons": {},
    "tg_button_expired": {},
    "tg_error": {"code": "domain_error"},
}
