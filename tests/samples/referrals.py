"""Messages of the referral rewards (issue 11)."""

from __future__ import annotations

SAMPLES = {
    "referral_rewarded": {"points": 500, "balance": 1200},
    "referral_thanked": {},
}
