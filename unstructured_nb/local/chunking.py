"""Chunking element dicts the way the open-source library's ``unstructured.chunking`` does.

Two phases, as in the library:

1. **Pre-chunks.** Elements are packed in order while they fit: a pre-chunk is "full" once its
   text (elements joined by a blank line) exceeds ``new_after_n_chars`` (soft limit), and an
   element that would push it past ``max_characters`` (hard limit) starts the next one. A Table is
   always alone. ``chunk_by_title`` also starts a pre-chunk at each Title (and at each page change
   when ``multipage_sections`` is false), then combines consecutive small pre-chunks while the
   first is under ``combine_text_under_n_chars`` and the result fits. ``chunk_by_page`` starts one
   at each page change.
2. **Chunks.** A pre-chunk becomes one CompositeElement (or Table); only a pre-chunk holding a
   single oversized element is text-split, at the last newline/space before the limit, each
   continuation starting with an ``overlap``-character tail of the previous piece. Oversized
   tables become TableChunks split on whole rows, text and HTML kept in step.

``overlap_all`` also prefixes every pre-chunk after the first with the tail of the previous one.
Chunk metadata is consolidated from the original elements with the library's rules (first value
for filename/page_number/..., union of languages, concatenation of link lists; parent_id,
category_depth, coordinates dropped), and ``orig_elements`` holds the originals as base64 of
zlib-deflated JSON (the library's ``elements_to_base64_gzipped_json``) when requested.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

TEXT_SEPARATOR = "\n\n"
_TABLE_TYPES = frozenset({"Table", "TableChunk"})

_FIRST = frozenset(
    {
        "attached_to_filename",
        "bcc_recipient",
        "cc_recipient",
        "data_source",
        "email_message_id",
        "file_directory",
        "filename",
        "filetype",
        "last_modified",
        "page_name",
        "page_number",
        "sent_from",
        "sent_to",
        "signature",
        "subject",
        "table_as_cells",
        "url",
    }
)
_LIST_CONCATENATE = frozenset({"emphasized_text_contents", "emphasized_text_tags", "link_texts", "link_urls"})
_LIST_UNIQUE = frozenset({"languages"})
# Everything else (parent_id, category_depth, coordinates, link_start_indexes, style_name, ...) is dropped.


@dataclass(frozen=True, slots=True)
class ChunkOptions:
    """Validated chunking options (see :func:`chunk_elements` for their meaning)."""

    strategy: str = "chunk_by_title"  # chunk_by_character | chunk_by_title | chunk_by_page
    max_characters: int = 500
    new_after_n_chars: int | None = None
    overlap: int = 0
    overlap_all: bool = False
    combine_text_under_n_chars: int | None = None
    multipage_sections: bool = False
    include_orig_elements: bool = False

    def __post_init__(self) -> None:
        if self.max_characters <= 0:
            raise ValueError(f"max_characters must be > 0, got {self.max_characters}")
        if self.new_after_n_chars is not None and self.new_after_n_chars < 0:
            raise ValueError(f"new_after_n_chars must be >= 0, got {self.new_after_n_chars}")
        if self.overlap < 0:
            raise ValueError(f"overlap must be >= 0, got {self.overlap}")
        if self.overlap >= self.max_characters:
            raise ValueError(
                f"overlap must be less than max_characters, got {self.overlap} >= {self.max_characters}"
            )
        if self.combine_text_under_n_chars is not None and self.combine_text_under_n_chars < 0:
            raise ValueError(f"combine_text_under_n_chars must be >= 0, got {self.combine_text_under_n_chars}")

    @property
    def hard_max(self) -> int:
        return self.max_characters

    @property
    def soft_max(self) -> int:
        if self.new_after_n_chars is None or self.new_after_n_chars > self.max_characters:
            return self.max_characters
        return self.new_after_n_chars

    @property
    def combine_under(self) -> int:
        """Combining threshold: by_title only, default max_characters, capped at the soft limit."""
        if self.strategy != "chunk_by_title":
            return 0
        value = self.max_characters if self.combine_text_under_n_chars is None else self.combine_text_under_n_chars
        return min(value, self.soft_max)

    @property
    def inter_chunk_overlap(self) -> int:
        return self.overlap if self.overlap_all else 0


def chunk_elements(elements: Iterable[Mapping[str, Any]], options: ChunkOptions) -> list[dict[str, Any]]:
    """Chunk partitioned element dicts; returns CompositeElement / Table / TableChunk dicts."""
    pre_chunks = _iter_pre_chunks(list(elements), options)
    if options.combine_under > 0:
        pre_chunks = _combine(pre_chunks, options)
    chunks: list[dict[str, Any]] = []
    for pre_chunk in pre_chunks:
        chunks.extend(pre_chunk.chunks())
    _assign_ids(chunks)
    return chunks


# -- pre-chunking ------------------------------------------------------------------------------


class _PreChunk:
    __slots__ = ("elements", "overlap_prefix", "opts", "_text")

    def __init__(self, elements: list[Mapping[str, Any]], overlap_prefix: str, opts: ChunkOptions) -> None:
        self.elements = elements
        self.overlap_prefix = overlap_prefix
        self.opts = opts
        self._text: str | None = None

    @property
    def is_table(self) -> bool:
        return len(self.elements) == 1 and self.elements[0].get("type") in _TABLE_TYPES

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

    def can_combine(self, other: _PreChunk) -> bool:
        if any(e.get("type") in _TABLE_TYPES for e in self.elements) or any(
            e.get("type") in _TABLE_TYPES for e in other.elements
        ):
            return False
        if len(self.text) >= self.opts.combine_under:
            return False
        return len(self.combine(other).text) <= self.opts.hard_max

    def combine(self, other: _PreChunk) -> _PreChunk:
        return _PreChunk(self.elements + other.elements, self.overlap_prefix, self.opts)

    def chunks(self) -> Iterator[dict[str, Any]]:
        if self.is_table:
            yield from _table_chunks(self.elements[0], self.overlap_prefix, self.opts)
            return
        text = self.text
        if not text:
            return  # e.g. only PageBreak elements
        metadata = _consolidate(self.elements)
        if self.opts.include_orig_elements:
            metadata["orig_elements"] = _encode_orig(self.elements)
        metadata = dict(sorted(metadata.items()))
        first = True
        for piece in _split_text(text, self.opts):
            meta = metadata if first else dict(sorted({**metadata, "is_continuation": True}.items()))
            yield {"type": "CompositeElement", "element_id": "", "text": piece, "metadata": meta}
            first = False


def _iter_pre_chunks(elements: list[Mapping[str, Any]], opts: ChunkOptions) -> Iterator[_PreChunk]:
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

    def flush() -> Iterator[_PreChunk]:
        nonlocal building, overlap_prefix, segments, text_len, has_table
        if not building:
            return
        pre_chunk = _PreChunk(building, overlap_prefix, opts)
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
        is_table = element.get("type") in _TABLE_TYPES
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


def _combine(pre_chunks: Iterable[_PreChunk], opts: ChunkOptions) -> Iterator[_PreChunk]:
    accum: _PreChunk | None = None
    for pre_chunk in pre_chunks:
        if accum is not None and not accum.can_combine(pre_chunk):
            yield accum
            accum = None
        accum = pre_chunk if accum is None else accum.combine(pre_chunk)
    if accum is not None:
        yield accum


# -- text splitting ----------------------------------------------------------------------------


def _split_text(text: str, opts: ChunkOptions) -> Iterator[str]:
    """Yield pieces of at most ``max_characters``, cut at the last newline or space that fits."""
    remainder = text
    while remainder:
        piece, remainder = _split_once(remainder, opts.hard_max, opts.overlap)
        yield piece


def _split_once(s: str, maxlen: int, overlap: int) -> tuple[str, str]:
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


# -- tables ------------------------------------------------------------------------------------

_ROW_RE = re.compile(r"<tr\b[^>]*>.*?</tr>", re.S | re.I)
_CELL_RE = re.compile(r"<(t[dh])\b[^>]*>(.*?)</t[dh]>", re.S | re.I)
_TAG_RE = re.compile(r"<[^>]+>")


def _table_rows(text_as_html: str) -> list[tuple[str, list[str], bool]]:
    """(row html, cell texts, is-header) for each row of a compact ``text_as_html`` table.

    A row is a header row when it sits in ``<thead>`` or all its cells are ``<th>``.
    """
    rows = []
    thead_end = text_as_html.lower().find("</thead>")
    for match in _ROW_RE.finditer(text_as_html):
        cells = []
        tags = []
        for tag, inner in _CELL_RE.findall(match.group(0)):
            tags.append(tag.lower())
            cell_text = " ".join(html.unescape(_TAG_RE.sub(" ", inner)).split())
            if cell_text:
                cells.append(cell_text)
        header = match.start() < thead_end or (bool(tags) and all(t == "th" for t in tags))
        rows.append((match.group(0), cells, header))
    return rows


def _table_chunks(table: Mapping[str, Any], overlap_prefix: str, opts: ChunkOptions) -> Iterator[dict[str, Any]]:
    raw_text = (table.get("text") or "").strip()
    if not " ".join(raw_text.split()):
        return
    text = f"{overlap_prefix}\n{raw_text}" if overlap_prefix else raw_text
    source_meta = dict(table.get("metadata") or {})
    html_text = (source_meta.get("text_as_html") or "").strip()
    base = {k: v for k, v in source_meta.items() if k in _FIRST or k in _LIST_CONCATENATE or k in _LIST_UNIQUE}
    if html_text:
        base["text_as_html"] = html_text
    if opts.include_orig_elements:
        base["orig_elements"] = _encode_orig([table])
    maxlen = opts.hard_max
    if len(text) <= maxlen and len(html_text) <= maxlen:
        yield {"type": "Table", "element_id": "", "text": text, "metadata": dict(sorted(base.items()))}
        return
    base.pop("text_as_html", None)
    rows = _table_rows(html_text) if html_text else []
    carried = 0
    if not rows or maxlen < 50:
        pairs: Iterator[tuple[str, str | None]] = ((piece, None) for piece in _split_text(text, opts))
    else:
        splitter = _SubtableSplitter(rows, opts)
        carried = splitter.carried_header_rows
        pairs = splitter.iter_subtables()
    table_id = hashlib.sha256(f"{source_meta.get('filename')}{raw_text}".encode()).hexdigest()[:32]
    for index, (chunk_text, chunk_html) in enumerate(pairs):
        meta = dict(base)
        if chunk_html is not None:
            meta["text_as_html"] = chunk_html
        if index > 0:
            meta["is_continuation"] = True
        meta["num_carried_over_header_rows"] = carried if index > 0 else 0
        meta["table_id"] = table_id
        meta["chunk_index"] = index
        yield {"type": "TableChunk", "element_id": "", "text": chunk_text, "metadata": dict(sorted(meta.items()))}


def _cells_html(cells: list[str]) -> str:
    return "<table><tr>" + "".join(f"<td>{html.escape(c, quote=False)}</td>" for c in cells) + "</tr></table>"


class _SubtableSplitter:
    """Whole rows per chunk while they fit; an oversized row is split on cells, then on words.

    Leading header rows are repeated at the top of each continuation chunk (the library's
    ``repeat_table_headers``, on by default) unless a header row would take more than half the
    window.
    """

    def __init__(self, rows: list[tuple[str, list[str], bool]], opts: ChunkOptions) -> None:
        self.rows = rows
        self.opts = opts
        headers = []
        for row in rows:
            if not row[2]:
                break
            headers.append(row)
        longest = max((len(" ".join(r[1])) for r in headers), default=0)
        self.headers = headers if headers and longest <= (opts.hard_max + 1) // 2 else []
        self.header_text = " ".join(c for r in self.headers for c in r[1])
        self.header_html = (
            "<thead>" + "".join(re.sub(r"<td\b", "<th", r[0]).replace("</td>", "</th>") for r in self.headers) + "</thead>"
            if self.headers
            else ""
        )

    @property
    def carried_header_rows(self) -> int:
        return len(self.headers)

    def _maxlen(self, first: bool) -> int:
        if first or not self.headers:
            return self.opts.hard_max
        return max(1, self.opts.hard_max - len(self.header_text) - 1)

    def _decorate(self, text: str, table_html: str, first: bool) -> tuple[str, str]:
        if first or not self.headers:
            return text, table_html
        chunk_text = f"{self.header_text} {text}" if self.header_text and text else (self.header_text or text)
        inner = table_html.removeprefix("<table>").removesuffix("</table>")
        return chunk_text, f"<table>{self.header_html}{inner}</table>"

    def iter_subtables(self) -> Iterator[tuple[str, str]]:
        first = True
        acc: list[tuple[str, list[str], bool]] = []
        acc_len = 0
        maxlen = self._maxlen(first)

        for row in self.rows:
            row_len = len(" ".join(row[1]))
            if acc and maxlen - len(acc) - acc_len < row_len:
                text = " ".join(c for _, cells, _ in acc for c in cells)
                yield self._decorate(text, "<table>" + "".join(r for r, _, _ in acc) + "</table>", first)
                first = False
                acc, acc_len = [], 0
                maxlen = self._maxlen(first)
            if maxlen - len(acc) - acc_len >= row_len:
                acc.append(row)
                acc_len += row_len
                continue
            for text, table_html in self._row_splits(row[1], maxlen):
                yield self._decorate(text, table_html, first)
                first = False
            maxlen = self._maxlen(first)
        if acc:
            text = " ".join(c for _, cells, _ in acc for c in cells)
            yield self._decorate(text, "<table>" + "".join(r for r, _, _ in acc) + "</table>", first)

    def _row_splits(self, row_cells: list[str], maxlen: int) -> Iterator[tuple[str, str]]:
        cells: list[str] = []
        cells_len = 0
        for cell in row_cells:
            if cells and maxlen - len(cells) - cells_len < len(cell):
                yield " ".join(cells), _cells_html(cells)
                cells, cells_len = [], 0
            if maxlen - len(cells) - cells_len >= len(cell):
                cells.append(cell)
                cells_len += len(cell)
                continue
            cell_opts = ChunkOptions(max_characters=max(1, maxlen - 33))
            for piece in _split_text(cell, cell_opts):
                yield piece, f"<table><tr><td>{html.escape(piece, quote=False)}</td></tr></table>"
        if cells:
            yield " ".join(cells), _cells_html(cells)


# -- metadata ----------------------------------------------------------------------------------


def _consolidate(elements: list[Mapping[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for element in elements:
        for key, value in (element.get("metadata") or {}).items():
            if value is None:
                continue
            if key in _FIRST:
                result.setdefault(key, value)
            elif key in _LIST_CONCATENATE:
                result.setdefault(key, [])
                result[key] = result[key] + list(value)
            elif key in _LIST_UNIQUE:
                seen = result.setdefault(key, [])
                for item in value:
                    if item not in seen:
                        seen.append(item)
    return result


def _encode_orig(elements: list[Mapping[str, Any]]) -> str:
    """base64(zlib(JSON)) of the original elements, without nested orig_elements."""
    dicts = []
    for element in elements:
        item = dict(element)  # shallow: only the top level changes, and it is serialized at once
        meta = item.get("metadata")
        if isinstance(meta, Mapping) and "orig_elements" in meta:
            item["metadata"] = {k: v for k, v in meta.items() if k != "orig_elements"}
        dicts.append(item)
    payload = json.dumps(dicts, sort_keys=True).encode("utf-8")
    return base64.b64encode(zlib.compress(payload)).decode("ascii")


def decode_orig_elements(value: str) -> list[dict[str, Any]]:
    """Inverse of the ``orig_elements`` encoding (zlib-deflated JSON in base64)."""
    return json.loads(zlib.decompress(base64.b64decode(value)).decode("utf-8"))


def _assign_ids(chunks: list[dict[str, Any]]) -> None:
    """Deterministic ids: the partition scheme (filename + text + page + sequence on the page)."""
    previous_page: object = object()
    seq = 0
    for chunk in chunks:
        meta = chunk["metadata"]
        page = meta.get("page_number")
        seq = seq + 1 if page == previous_page else 0
        previous_page = page
        key = f"{meta.get('filename')}{chunk['text']}{page}{seq}"
        chunk["element_id"] = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
