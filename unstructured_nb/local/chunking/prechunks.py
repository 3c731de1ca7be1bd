"""Pre-chunking: pack elements in order into pre-chunks while they fit, then combine small ones (``chunk_by_title``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .metadata import consolidate, encode_orig
from .options import ChunkOptions
from .tables import table_chunks
from .text_split import split_text

__all__ = ["TABLE_TYPES", "TEXT_SEPARATOR", "PreChunk", "combine_pre_chunks", "iter_pre_chunks"]

TEXT_SEPARATOR = "\n\n"
TABLE_TYPES = frozenset({"Table", "TableChunk"})


class PreChunk:
    """Consecutive elements that become one chunk (several, if its one element must be text-split)."""

    __slots__ = ("_text", "elements", "opts", "overlap_prefix")

    def __init__(self, elements: list[Mapping[str, Any]], overlap_prefix: str, opts: ChunkOptions) -> None:
        self.elements = elements
        self.overlap_prefix = overlap_prefix
        self.opts = opts
        self._text: str | None = None

    @property
    def is_table(self) -> bool:
        return len(self.elements) == 1 and self.elements[0].get("type") in TABLE_TYPES

    @property
    def text(self) -> str:
        """Element texts, whitespace-normalized, joined by a blank line, after any overlap prefix."""
        if self._text is None:
            segments = [self.overlap_prefix] if self.overlap_prefix else []
            for element in self.elements:
                raw = element.get("text") or ""
                if element.get("type") == "CodeSnippet":
                    if raw:
                        segments.append(raw)
                    continue
                normalized = " ".join(raw.split())
                if normalized:
                    segments.append(normalized)
            self._text = TEXT_SEPARATOR.join(segments)
        return self._text

    @property
    def overlap_tail(self) -> str:
        overlap = self.opts.inter_chunk_overlap
        return self.text[-overlap:].strip() if overlap else ""

    def can_combine(self, other: PreChunk) -> bool:
        if any(e.get("type") in TABLE_TYPES for e in self.elements) or any(e.get("type") in TABLE_TYPES for e in other.elements):
            return False
        if len(self.text) >= self.opts.combine_under:
            return False
        return len(self.combine(other).text) <= self.opts.hard_max

    def combine(self, other: PreChunk) -> PreChunk:
        return PreChunk(self.elements + other.elements, self.overlap_prefix, self.opts)

    def chunks(self) -> Iterator[dict[str, Any]]:
        if self.is_table:
            yield from table_chunks(self.elements[0], self.overlap_prefix, self.opts)
            return
        text = self.text
        if not text:
            return  # e.g. only PageBreak elements
        metadata = consolidate(self.elements)
        if self.opts.include_orig_elements:
            metadata["orig_elements"] = encode_orig(self.elements)
        metadata = dict(sorted(metadata.items()))
        first = True
        for piece in split_text(text, self.opts):
            meta = metadata if first else dict(sorted({**metadata, "is_continuation": True}.items()))
            yield {"type": "CompositeElement", "element_id": "", "text": piece, "metadata": meta}
            first = False


def iter_pre_chunks(elements: list[Mapping[str, Any]], opts: ChunkOptions) -> Iterator[PreChunk]:
    sep_len = len(TEXT_SEPARATOR)
    by_title = opts.strategy == "chunk_by_title"
    page_boundaries = opts.strategy == "chunk_by_page" or (by_title and not opts.multipage_sections)
    current_page: int | None = None
    first = True

    building: list[Mapping[str, Any]] = []
    overlap_prefix = ""
    segments = 0  # number of non-empty text segments (incl. overlap prefix)
    text_len = 0  # their total length, separators excluded
    has_table = False

    def flush() -> Iterator[PreChunk]:
        nonlocal building, overlap_prefix, segments, text_len, has_table
        if not building:
            return
        pre_chunk = PreChunk(building, overlap_prefix, opts)
        tail = "" if pre_chunk.is_table else pre_chunk.overlap_tail
        building = []
        overlap_prefix = tail
        segments = 1 if tail else 0
        text_len = len(tail)
        has_table = False
        yield pre_chunk

    for element in elements:
        if element.get("type") == "CheckBox":
            continue
        boundary = False
        if by_title and element.get("type") == "Title":
            boundary = True
        if page_boundaries:
            page = (element.get("metadata") or {}).get("page_number")
            if first:
                current_page = page or 1
            elif page is not None and page != current_page:
                current_page = page
                boundary = True
        first = False
        is_table = element.get("type") in TABLE_TYPES
        if building:
            fits: bool
            if is_table or has_table:
                fits = False
            else:
                current_len = text_len + (segments - 1) * sep_len if segments else 0
                remaining = opts.hard_max - text_len - sep_len * segments
                fits = current_len <= opts.soft_max and len(element.get("text") or "") <= remaining
            if boundary or not fits:
                yield from flush()
        if not building and is_table:
            # a table pre-chunk is never prefixed with narrative overlap
            overlap_prefix, segments, text_len = "", 0, 0
        building.append(element)
        has_table = has_table or is_table
        text = element.get("text") or ""
        if text:
            segments += 1
            text_len += len(text)
    yield from flush()


def combine_pre_chunks(pre_chunks: Iterable[PreChunk], opts: ChunkOptions) -> Iterator[PreChunk]:
    accum: PreChunk | None = None
    for pre_chunk in pre_chunks:
        if accum is not None and not accum.can_combine(pre_chunk):
            yield accum
            accum = None
        accum = pre_chunk if accum is None else accum.combine(pre_chunk)
    if accum is not None:
        yield accum
