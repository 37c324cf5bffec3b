"""Messages of the monthly tier review (issue 10). Money in minor units, as the outbox keeps it."""

from __future__ import annotations

SAMPLES = {
    "tier_downgraded": {
        "tier_key": "silver",
        "tier_names": {"ru": "Серебро", "en": "Silver"},
        "earn_rate_percent": "5",
        "previous_tier_key": "gold",
        "previous_tier_names": {"ru": "Золото", "en": "Gold"},
        "previous_threshold_minor": 5_000_000,
        "spent_minor": 2_000_000,
        "to_regain_minor": 3_000_000,
        "window_days": 365,
    },
}
