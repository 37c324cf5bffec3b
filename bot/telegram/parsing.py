"""Parsing what a customer types: referral payloads (birthdays: domain/birthdays.py)."""

from __future__ import annotations

import re

REFERRAL = re.compile(r"[A-Za-z0-9_-]{1,64}")


def referral_code(payload: str | None) -> str | None:
    """A deep-link payload that can be a referral code, else None (a bad one is silently ignored)."""
    if payload and REFERRAL.fullmatch(payload):
        return payload
    return None
