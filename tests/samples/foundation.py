from __future__ import annotations

from datetime import UTC, datetime

SAMPLES = {
    "welcome": {
        "bonus": 200,
        "bonus_expires_at": datetime(2027, 2, 20, tzinfo=UTC),
        "balance": 200,
        "tier_name": "Бронза",
    },
}
