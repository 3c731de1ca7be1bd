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
import copy
import hashlib
import html
import json
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
        "table_extraction_method",
        "url",
    }
)
_LIST_CONCATENATE = frozenset({"emphasized_text_contents", "emphasized_text_tags", "link_texts", "link_urls"})
_LIST_UNIQUE = frozenset({"languages"})
_STRING_CONCATENATE = frozenset({"text_as_html"})
_DICT_LIST_UNIQUE = frozenset({"enrichment_origins"})
# dropped from chunks (a Table chunk keeps every other field of its table)
_DROP = frozenset(
    {
        "category_depth",
        "chunk_index",
        "coordinates",
        "detection_class_prob",
        "detection_origin",
        "header_footer_type",
        "image_base64",
        "image_mime_type",
        "image_path",
        "image_url",
        "is_continuation",
        "is_extracted",
        "key_value_pairs",
        "link_start_indexes",
        "links",
        "max_characters",
        "num_carried_over_header_rows",
        "orig_elements",
        "parent_id",
        "routing",
        "routing_score",
        "segment_end_seconds",
        "segment_start_seconds",
        "style_name",
        "table_id",
    }
)
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
            raise ValueError(f"overlap must be less than max_characters, got {self.overlap} >= {self.max_characters}")
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
    __slots__ = ("_text", "elements", "opts", "overlap_prefix")

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
#
# Mirrors the library's ``HtmlTable`` and ``_HtmlTableSplitter`` for tables without row spans:
# ``text_as_html`` is compactified (no thead/tbody/tfoot, no attributes but spans, th -> td,
# whitespace normalized) and split on whole rows, then cells, then words, every piece a parseable
# ``<table>``; leading header rows are repeated (as ``<thead><th>``) on continuation chunks.


@dataclass(slots=True)
class _Cell:
    text: str
    html: str
    colspan: int


@dataclass(slots=True)
class _Row:
    html: str
    source_html: str
    cells: list[_Cell]
    is_header: bool

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells if c.text]

    @property
    def text_len(self) -> int:
        return len(" ".join(self.texts))


@dataclass(slots=True)
class _HtmlTable:
    html: str
    rows: list[_Row]


def format_td(cell_text: str, colspan: int = 1, rowspan: int = 1) -> str:
    """A ``<td>`` the way the library writes one (escaped, whitespace-normalized, ``<td/>`` if empty)."""
    s = "<br/>".join(html.escape(cell_text).split("\n"))
    text = " ".join(s.split())
    attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
    return f"<td{attrs}>{text}</td>" if text else f"<td{attrs}/>"


def _cell_text(td: Any) -> str:
    if next(td.iterdescendants("br"), None) is None:
        return " ".join(td.text_content().split())
    clone = copy.deepcopy(td)
    for br in clone.xpath(".//br"):
        br.tail = f" {br.tail or ''}"
    return " ".join(clone.text_content().split())


def _parse_table(text_as_html: str) -> _HtmlTable | None:
    from lxml import etree
    from lxml.html import fragment_fromstring

    try:
        root = fragment_fromstring(text_as_html)
    except (etree.ParserError, ValueError):
        return None
    tables = root.xpath("//table")
    if not tables:
        return None
    table = tables[0]
    trs = table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
    sources = [etree.tostring(tr, encoding=str) for tr in trs]
    headers: list[bool] = []
    for tr in trs:
        cells = tr.xpath("./th | ./td")
        first_th = next((i for i, cell in enumerate(cells) if cell.tag == "th"), None)
        blank_corner = first_th is not None and all(c.tag == "td" and not c.text_content().strip() for c in cells[:first_th])
        only_th = first_th is not None and all(
            c.tag == "th" or (c.tag == "td" and not c.text_content().strip()) for c in cells[first_th:]
        )
        headers.append(tr.getparent().tag == "thead" or (blank_corner and only_th))
    for group in table.xpath(".//thead | .//tbody | .//tfoot"):
        group.drop_tag()
    for e in table.iter():
        kept = {k: e.attrib[k] for k in ("colspan", "rowspan") if k in e.attrib}
        e.attrib.clear()
        for k, v in kept.items():
            e.attrib[k] = v
        if e.tag == "th":
            e.tag = "td"
        if e.text:
            e.text = " ".join(e.text.split())
        if e.tail:
            parts = e.tail.split()
            if not parts:
                e.tail = None
            else:
                e.tail = (" " if e.tail[0].isspace() else "") + " ".join(parts) + (" " if e.tail[-1].isspace() else "")
    rows = []
    for index, tr in enumerate(table.xpath("./tr")):
        cells = []
        for td in tr:
            text = _cell_text(td)
            try:
                colspan = int(td.attrib.get("colspan", 1))
            except ValueError:
                colspan = 1
            cell_html = etree.tostring(td, encoding=str) if text else format_td("", colspan)
            cells.append(_Cell(text, cell_html, colspan))
        rows.append(
            _Row(
                etree.tostring(tr, encoding=str),
                sources[index] if index < len(sources) else "",
                cells,
                headers[index] if index < len(headers) else False,
            )
        )
    return _HtmlTable(etree.tostring(table, encoding=str), rows)


def _table_chunks(table: Mapping[str, Any], overlap_prefix: str, opts: ChunkOptions) -> Iterator[dict[str, Any]]:
    raw = table.get("text") or ""
    if not " ".join(raw.split()):
        return
    stripped = raw.strip()
    text = f"{overlap_prefix}\n{stripped}" if overlap_prefix else stripped
    source_meta = dict(table.get("metadata") or {})
    parsed = None
    html_source = (source_meta.get("text_as_html") or "").strip()
    if html_source:
        parsed = _parse_table(html_source)
    compact = parsed.html if parsed is not None else ""
    base = {k: v for k, v in source_meta.items() if k not in _DROP and v is not None}
    base.pop("text_as_html", None)
    if opts.include_orig_elements:
        base["orig_elements"] = _encode_orig([table])
    maxlen = opts.hard_max
    if len(text) <= maxlen and len(compact) <= maxlen:
        if compact:
            base["text_as_html"] = compact
        yield {"type": "Table", "element_id": "", "text": text, "metadata": dict(sorted(base.items()))}
        return
    carried = 0
    if parsed is None or not compact or maxlen < 50:
        pairs: Iterator[tuple[str, str | None]] = ((piece, None) for piece in _split_text(text, opts))
    else:
        splitter = _SubtableSplitter(parsed, opts)
        carried = splitter.carried_over_header_rows
        pairs = splitter.iter_subtables()
    table_id = hashlib.sha256(f"{source_meta.get('filename')}{raw}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
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


class _SubtableSplitter:
    """(text, html) pieces of an oversized table: whole rows while they fit, else cells, else words."""

    def __init__(self, table: _HtmlTable, opts: ChunkOptions) -> None:
        self.table = table
        self.opts = opts
        self.hard = opts.hard_max
        count = 0
        for row in table.rows:
            if not row.is_header:
                break
            count += 1
        self.header_count = count
        self.headers = table.rows[:count]
        self.header_text = " ".join(t for row in self.headers for t in row.texts)
        self.header_html = (
            "<thead>" + "".join(self._as_header_row_html(row) for row in self.headers) + "</thead>" if self.headers else ""
        )
        self.repeat = bool(self.headers) and (
            max(row.text_len for row in self.headers) <= (self.hard + 1) // 2
            and len(self.header_text) <= (3 * self.hard) // 4
            and len(self.header_html) <= 4 * self.hard
            and not self._would_starve_oversized_body_cell()
        )

    @property
    def carried_over_header_rows(self) -> int:
        return len(self.headers) if self.repeat else 0

    @staticmethod
    def _as_header_row_html(row: _Row) -> str:
        from lxml import etree
        from lxml.html import fragment_fromstring

        def parse(fragment: str) -> Any:
            try:
                parsed = fragment_fromstring(fragment)
            except (etree.ParserError, ValueError):
                return None
            if parsed.tag == "tr":
                return parsed
            found = parsed.xpath(".//tr")
            return found[0] if found else None

        tr = parse(row.source_html or row.html)
        if tr is None and row.source_html:
            tr = parse(row.html)
        if tr is None:
            return row.html
        for cell in tr:
            if getattr(cell, "tag", None) == "td":
                cell.tag = "th"
        return etree.tostring(tr, encoding=str)

    def _reduced_budget_header_rows(self) -> set[int]:
        at_risk: set[int] = set()
        reduced = max(1, self.hard - len(self.header_text) - 1)
        first = True
        acc: list[_Row] = []
        acc_len = 0
        maxlen = self.hard
        for index, row in enumerate(self.table.rows):
            if index >= self.header_count:
                break
            if acc and maxlen - len(acc) - acc_len < row.text_len:
                first = False
                acc, acc_len = [], 0
                maxlen = self.hard if first else reduced
            if maxlen - len(acc) - acc_len >= row.text_len:
                acc.append(row)
                acc_len += row.text_len
            else:
                at_risk.add(index)
                first = False
                acc, acc_len = [], 0
                maxlen = reduced
        return at_risk

    def _would_starve_oversized_body_cell(self) -> bool:
        reduced = max(1, self.hard - len(self.header_text) - 1)
        at_risk = self._reduced_budget_header_rows()
        if len(self.header_text) > reduced and at_risk:
            return True
        for index, row in enumerate(self.table.rows):
            if index < self.header_count and index not in at_risk:
                continue
            if index < self.header_count and reduced < row.text_len <= self.hard:
                return True
            for cell in row.cells:
                if len(cell.text) <= reduced:
                    continue
                probe = "' '" if any(c.isspace() for c in cell.text) else "''"
                if reduced < len(f"<table><tr>{format_td(probe, cell.colspan)}</tr></table>"):
                    return True
        return False

    def _maxlen(self, first: bool) -> int:
        if first or not self.repeat:
            return self.hard
        return max(1, self.hard - len(self.header_text) - 1)

    def _decorate(self, text: str, table_html: str, first: bool) -> tuple[str, str]:
        if first or not self.repeat:
            return text, table_html
        chunk_text = f"{self.header_text} {text}" if self.header_text and text else (self.header_text or text)
        inner = table_html.removeprefix("<table>").removesuffix("</table>")
        return chunk_text, f"<table>{self.header_html}{inner}</table>"

    def iter_subtables(self) -> Iterator[tuple[str, str]]:
        first = True
        acc: list[_Row] = []
        acc_len = 0
        maxlen = self._maxlen(first)

        def flush() -> tuple[str, str]:
            return " ".join(t for r in acc for t in r.texts), "<table>" + "".join(r.html for r in acc) + "</table>"

        for row in self.table.rows:
            if acc and maxlen - len(acc) - acc_len < row.text_len:
                yield self._decorate(*flush(), first)
                first = False
                acc, acc_len = [], 0
                maxlen = self._maxlen(first)
            if maxlen - len(acc) - acc_len >= row.text_len:
                acc.append(row)
                acc_len += row.text_len
                continue
            # a single row bigger than the window (sized for a continuation, which carries headers)
            for piece in self._row_splits(row, self._maxlen(False)):
                yield self._decorate(*piece, first)
                first = False
            acc, acc_len = [], 0
            maxlen = self._maxlen(first)
        if acc:
            yield self._decorate(*flush(), first)

    def _row_splits(self, row: _Row, maxlen: int) -> Iterator[tuple[str, str]]:
        cells: list[_Cell] = []
        text = ""
        empties = 0

        def fits(cell: _Cell) -> bool:
            if not cell.text:
                return len(text) + empties + 1 <= maxlen
            candidate = f"{text} {cell.text}" if text else cell.text
            return len(candidate) + empties <= maxlen

        def flush() -> Iterator[tuple[str, str]]:
            nonlocal cells, text, empties
            if cells:
                yield text, "<table><tr>" + "".join(c.html for c in cells) + "</tr></table>"
            cells, text, empties = [], "", 0

        for cell in row.cells:
            if not fits(cell):
                yield from flush()
            if fits(cell):
                cells.append(cell)
                if cell.text:
                    text = f"{text} {cell.text}" if text else cell.text
                else:
                    empties += 1
            else:
                yield from self._cell_splits(cell, maxlen)
        yield from flush()

    @staticmethod
    def _cell_splits(cell: _Cell, maxlen: int) -> Iterator[tuple[str, str]]:
        empty = len(f"<table><tr>{format_td('', cell.colspan)}</tr></table>")
        budget = max(1, maxlen - empty)
        remaining = cell.text
        while True:
            lo, hi, best = 1, budget, None
            while lo <= hi:  # the longest word-boundary split whose escaped HTML fits
                mid = (lo + hi) // 2
                piece, rest = _split_once(remaining, mid, 0)
                piece_html = f"<table><tr>{format_td(piece, cell.colspan)}</tr></table>"
                if len(piece_html) <= maxlen:
                    best = (piece, piece_html, rest)
                    lo = mid + 1
                else:
                    hi = mid - 1
            if best is None:  # not even one word fits: cut characters
                lo, hi, keep = 0, len(remaining), 0
                while lo <= hi:
                    mid = (lo + hi) // 2
                    if len(f"<table><tr>{format_td(remaining[:mid], cell.colspan)}</tr></table>") <= maxlen:
                        keep, lo = mid, mid + 1
                    else:
                        hi = mid - 1
                keep = max(keep, 1) if remaining else 0
                piece = remaining[:keep]
                best = (piece, f"<table><tr>{format_td(piece, cell.colspan)}</tr></table>", remaining[keep:])
            yield best[0], best[1]
            remaining = best[2]
            if not remaining:
                return


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
                result.setdefault(key, []).extend(value)
            elif key in _LIST_UNIQUE or key in _DICT_LIST_UNIQUE:
                seen = result.setdefault(key, [])
                for item in value:
                    if item not in seen:
                        seen.append(item)
            elif key in _STRING_CONCATENATE:
                result[key] = f"{result[key]} {value.strip()}" if key in result else value.strip()
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


def decode_orig_elements(value: str, max_bytes: int | None = None) -> list[dict[str, Any]]:
    """Inverse of the ``orig_elements`` encoding (zlib-deflated JSON in base64).

    ``max_bytes`` bounds the inflated JSON (a ``ValueError`` past it), for values that came
    from elsewhere: a few kilobytes of deflated data can inflate to gigabytes.
    """
    data = base64.b64decode(value)
    if max_bytes is None:
        return json.loads(zlib.decompress(data).decode("utf-8"))
    inflater = zlib.decompressobj()
    payload = inflater.decompress(data, max_bytes + 1)
    if len(payload) > max_bytes or inflater.unconsumed_tail:
        raise ValueError(f"orig_elements inflates to more than {max_bytes} bytes")
    return json.loads(payload.decode("utf-8"))


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
