"""One greedy splitter for every channel's length limit: each channel names its length and cut points."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

Length = Callable[[str], int]


def split_text(
    text: str,
    limit: int,
    *,
    length: Length = len,
    separators: Sequence[str] = ("\n",),
    last_resort: Callable[[str], list[str]] | None = None,
) -> list[str]:
    """The non-blank parts of `text`, each packed as full as `limit` allows.

    A piece is cut at the first of `separators` (say paragraphs, then lines, then words) and only
    a piece still over the limit at the next; one over the limit after the last separator goes to
    `last_resort` (default: cut anywhere), whose pieces each start a part of their own.
    """

    def pieces(text: str, separators: Sequence[str], glue: str) -> Iterator[tuple[str, str | None]]:
        separator, *finer = separators
        for i, piece in enumerate(text.split(separator)):
            piece_glue = separator if i else glue
            if length(piece) <= limit:
                yield piece, piece_glue
            elif finer:
                yield from pieces(piece, finer, piece_glue)
            else:
                yield from ((chunk, None) for chunk in (last_resort or cut)(piece))

    def cut(piece: str) -> list[str]:
        return cut_anywhere(piece, limit, length)

    parts, current = [], ""
    for piece, glue in pieces(text, separators, ""):
        joined = f"{current}{glue}{piece}" if current and glue is not None else piece
        if current and (glue is None or length(joined) > limit):
            parts.append(current)
            joined = piece
        current = joined
    parts.append(current)
    return [part for part in parts if part.strip()]


def cut_anywhere(text: str, limit: int, length: Length = len) -> list[str]:
    """Pieces of at most `limit`, cut between any two characters."""
    pieces, piece, used = [], "", 0
    for char in text:
        width = length(char)
        if used + width > limit:
            pieces.append(piece)
            piece, used = "", 0
        piece, used = piece + char, used + width
    pieces.append(piece)
    return pieces
