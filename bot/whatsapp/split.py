"""Long texts cut under WhatsApp's 1 600-character limit, on paragraph, line and word boundaries."""

from __future__ import annotations

from bot import split

LIMIT = 1600


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Parts of at most `limit` characters; a word is cut only when it alone is longer than that."""
    return [part.strip() for part in split.split_text(text.strip(), limit, separators=("\n\n", "\n", " "))]
