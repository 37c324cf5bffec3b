"""Which common question a free text asks, by the phrase tables of labels/faq.toml."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

FAQ_FILE = Path(__file__).parent / "labels" / "faq.toml"


@functools.cache
def faq_phrases() -> dict[str, tuple[str, ...]]:
    with FAQ_FILE.open("rb") as fh:
        raw = tomllib.load(fh)
    return {topic: tuple(str(p).lower() for p in table["phrases"]) for topic, table in raw.items()}


def faq_topic(text: str) -> str | None:
    """The first topic one of whose phrases the text contains, word-wise; None for none."""
    words = " " + " ".join(re.findall(r"\w+", text.lower().replace("ё", "е"))) + " "
    for topic, phrases in faq_phrases().items():
        if any(f" {phrase.replace('ё', 'е')}" in words for phrase in phrases):
            return topic
    return None
