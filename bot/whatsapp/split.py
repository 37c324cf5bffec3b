"""Long texts cut under WhatsApp's 1 600-character limit, on paragraph, line and word boundaries."""

from __future__ import annotations

LIMIT = 1600


def split_text(text: str, limit: int = LIMIT) -> list[str]:
    """Parts of at most `limit` characters; a word is cut only when it alone is longer than that."""
    text = text.strip()
    if not text:
        return []
    parts: list[str] = []
    current = ""
    for piece, glue in _pieces(text, limit):
        candidate = f"{current}{glue}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        current = piece
    if current:
        parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _pieces(text: str, limit: int) -> list[tuple[str, str]]:
    """(piece, the separator that joined it to the previous one), each piece within the limit."""
    out: list[tuple[str, str]] = []
    for i, paragraph in enumerate(text.split("\n\n")):
        glue = "\n\n" if i else ""
        if len(paragraph) <= limit:
            out.append((paragraph, glue))
            continue
        for j, line in enumerate(paragraph.split("\n")):
            line_glue = glue if j == 0 else "\n"
            if len(line) <= limit:
                out.append((line, line_glue))
                continue
            for k, word in enumerate(line.split(" ")):
                word_glue = line_glue if k == 0 else " "
                while len(word) > limit:
                    out.append((word[:limit], word_glue))
                    word, word_glue = word[limit:], ""
                out.append((word, word_glue))
    return out
