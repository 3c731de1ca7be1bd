"""Text splitting: cut an oversized text into pieces of at most ``max_characters``, with overlap."""

from __future__ import annotations

from collections.abc import Iterator

from .options import ChunkOptions

__all__ = ["split_once", "split_text"]


def split_text(text: str, opts: ChunkOptions) -> Iterator[str]:
    """Yield pieces of at most ``max_characters``, cut at the last newline or space that fits."""
    remainder = text
    while remainder:
        piece, remainder = split_once(remainder, opts.hard_max, opts.overlap)
        yield piece


def split_once(s: str, maxlen: int, overlap: int) -> tuple[str, str]:
    if len(s) <= maxlen:
        return s, ""
    for sep in ("\n", " "):
        # rightmost separator starting in (overlap, maxlen]; a split no longer than the overlap
        # would never make progress
        idx = s.rfind(sep, overlap + 1, maxlen + len(sep))
        if idx == -1:
            continue
        fragment = s[:idx].rstrip()
        raw_remainder = s[idx + len(sep) :].lstrip()
        if not fragment or len(raw_remainder) >= len(s):
            continue
        if overlap <= 1:
            return fragment, raw_remainder
        tail = fragment[-(overlap - 1) :].lstrip()
        return fragment, tail + " " + raw_remainder
    # no separator: cut at maxlen; the overlap is the characters before the cut
    return s[:maxlen].rstrip(), s[maxlen - overlap :].lstrip()
