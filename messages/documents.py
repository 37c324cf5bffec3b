"""The personal-data documents: the consent a customer agrees to, and the policy, as exact text.

The text is what the customer agrees to, so its SHA-256 is recorded with each consent; the web page
(webhooks/routes/privacy.py) shows the same text. Lines starting with `# ` and `## ` are headings,
`- ` list items; that is all the markup there is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from messages.renderer import LOCALES, Renderer

CONSENT = "doc_consent"
POLICY = "doc_privacy"
# every processor is named while no channel is configured: a shop turns one on without a new document
ALL_CHANNELS = ("telegram", "whatsapp")


@dataclass(frozen=True)
class Documents:
    """Both documents in every locale, rendered once at start-up, with the consent's checksums."""

    version: str
    consent: dict[str, str]
    policy: dict[str, str]

    def consent_hash(self, locale: str) -> str:
        return text_hash(self.consent.get(locale) or self.consent[LOCALES[0]])


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_documents(
    renderer: Renderer,
    *,
    version: str,
    policy_url: str,
    consent_url: str,
    channels: Iterable[str],
    linking_days: int,
) -> Documents:
    named = tuple(channels) or ALL_CHANNELS
    context = {
        "version": version,
        "policy_url": policy_url,
        "consent_url": consent_url,
        "channels": named,
        "linking_days": linking_days,
    }
    return Documents(
        version=version,
        consent={loc: renderer.render(CONSENT, loc, "plain", **context).strip() for loc in LOCALES},
        policy={loc: renderer.render(POLICY, loc, "plain", **context).strip() for loc in LOCALES},
    )
