"""Sample contexts of the WhatsApp templates (wa_*); the screen overrides use the screens' samples."""

from __future__ import annotations

from datetime import UTC, datetime

SAMPLES = {
    "wa_consent": {
        "policy_url": "https://example.com/privacy",
        "consent_url": "https://example.com/privacy/consent",
        "policy_version": "2026-11-01",
        "again": False,
    },
    "wa_intro": {"bonus": 200, "referred": True},
    "wa_declined": {},
    "wa_ask_birthday": {"example": "25.04.1990"},
    "wa_birthday_invalid": {"reason": "impossible", "example": "25.04.1990"},
    "wa_ask_marketing": {"again": False},
    "wa_welcome": {
        "name": "Иван",
        "bonus": 200,
        "bonus_expires_at": datetime(2027, 2, 20, tzinfo=UTC),
        "balance": 200,
        "tier_name": "Бронза",
    },
    "wa_joined": {"balance": 1250, "tier_name": "Серебро"},
    "wa_phone_invalid": {},
    "wa_stop_unregistered": {},
    "wa_language_set": {},
    "wa_unsubscribed": {},
    "wa_subscribed": {},
    "wa_delete_confirm": {},
    "wa_deleted": {},
    "wa_delete_cancelled": {},
    "wa_media_only": {},
    "wa_not_understood": {},
    "wa_too_long": {},
    "wa_already_member": {},
    "wa_error": {},
    "wa_invite_text": {"code": "Ab3_x-9QzK1"},
}
