"""Sample contexts of the repair, points and redemption messages (issue 3), as the outbox stores them."""

from __future__ import annotations

SAMPLES = {
    "repair_received": {
        "order_id": "R-1042",
        "device_category": "phone",
        "device": "Apple iPhone 13",
        "eta": "2026-11-24",
    },
    "repair_waiting_approval": {
        "order_id": "R-1042",
        "device_category": "laptop",
        "device": "Lenovo T14",
        "eta": None,
        "quote_amount_minor": 250000,
        "quote_text": "Замена аккумулятора",
    },
    "repair_ready": {"order_id": "R-1042", "device_category": "phone", "device": "", "eta": None},
    "repair_cancelled": {"order_id": "R-1042", "taken_back": 135, "given_back": 21, "balance": 86},
    "points_earned": {
        "order_id": "R-1042",
        "points": 135,
        "balance": 335,
        "paid_minor": 450000,
        "expires_days": 365,
    },
    "tier_upgraded": {
        "tier_key": "silver",
        "tier_names": {"ru": "Серебро", "en": "Silver"},
        "earn_rate_percent": "5",
    },
    "redemption_code": {
        "code": "042917",
        "points": 300,
        "order_id": "R-1042",
        "bill_minor": 450000,
        "ttl_minutes": 10,
    },
}
