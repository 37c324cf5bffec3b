"""Messages of the scheduled jobs (issue 10). Outbox contexts are JSON: dates as ISO strings."""

from __future__ import annotations

SAMPLES = {
    "points_expiring": {"points": 150, "expires_on": "2026-11-29", "balance": 420},
    "birthday_bonus": {"points": 500, "expires_on": "2026-12-22", "balance": 920},
}
