"""Sample contexts of the personal-data documents (issue 16): the consent and the policy."""

from __future__ import annotations

_DOC = {
    "version": "2026-12-01",
    "policy_url": "https://shop.example/privacy",
    "consent_url": "https://shop.example/privacy/consent",
    "channels": ("telegram", "whatsapp"),
    "linking_days": 90,
}

SAMPLES: dict[str, dict[str, object]] = {"doc_consent": _DOC, "doc_privacy": _DOC}
