"""Sample context of the badge announcement (issue 11), as the outbox stores it."""

from __future__ import annotations

SAMPLES = {
    "badge_awarded": {
        "badge_key": "first_repair",
        "badge_names": {"ru": "Первый ремонт", "en": "First repair"},
    },
}
