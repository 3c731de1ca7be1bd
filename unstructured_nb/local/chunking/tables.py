"""Table chunks: a Table that fits stays whole; an oversized one becomes TableChunks split on rows, cells, words.

Mirrors the library's ``_HtmlTableSplitter`` for tables without row spans: the compact
``text_as_html`` (see :mod:`.html_table`) is split on whole rows, then cells, then words, every
piece a parseable ``<table>``; leading header rows are repeated (as ``<thead><th>``) on
continuation chunks when they are small enough to leave room for the body.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

from .html_table import Cell, HtmlTable, Row, format_td, parse_table
from .metadata import DROPPED_FIELDS, encode_orig
from .options import ChunkOptions
from .text_split import split_once, split_text

__all__ = ["table_chunks"]


def table_chunks(table: Mapping[str, Any], overlap_prefix: str, opts: ChunkOptions) -> Iterator[dict[str, Any]]:
    raw = table.get("text") or ""
    if not " ".join(raw.split()):
        return
    stripped = raw.strip()
    text = f"{overlap_prefix}\n{stripped}" if overlap_prefix else stripped
    source_meta = dict(table.get("metadata") or {})
    parsed = None
    html_source = (source_meta.get("text_as_html") or "").strip()
    if html_source:
        parsed = parse_table(html_source)
    compact = parsed.html if parsed is not None else ""
    base = {k: v for k, v in source_meta.items() if k not in DROPPED_FIELDS and v is not None}
    base.pop("text_as_html", None)
    if opts.include_orig_elements:
        base["orig_elements"] = encode_orig([table])
    maxlen = opts.hard_max
    if len(text) <= maxlen and len(compact) <= maxlen:
        if compact:
            base["text_as_html"] = compact
        yield {"type": "Table", "element_id": "", "text": text, "metadata": dict(sorted(base.items()))}
        return
    carried = 0
    if parsed is None or not compact or maxlen < 50:
        pairs: Iterator[tuple[str, str | None]] = ((piece, None) for piece in split_text(text, opts))
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

    def __init__(self, table: HtmlTable, opts: ChunkOptions) -> None:
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
    def _as_header_row_html(row: Row) -> str:
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
        header_html: str = etree.tostring(tr, encoding=str)
        return header_html

    def _reduced_budget_header_rows(self) -> set[int]:
        at_risk: set[int] = set()
        reduced = max(1, self.hard - len(self.header_text) - 1)
        first = True
        acc: list[Row] = []
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
        acc: list[Row] = []
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

    def _row_splits(self, row: Row, maxlen: int) -> Iterator[tuple[str, str]]:
        cells: list[Cell] = []
        text = ""
        empties = 0

        def fits(cell: Cell) -> bool:
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
    def _cell_splits(cell: Cell, maxlen: int) -> Iterator[tuple[str, str]]:
        empty = len(f"<table><tr>{format_td('', cell.colspan)}</tr></table>")
        budget = max(1, maxlen - empty)
        remaining = cell.text
        while True:
            lo, hi, best = 1, budget, None
            while lo <= hi:  # the longest word-boundary split whose escaped HTML fits
                mid = (lo + hi) // 2
                piece, rest = split_once(remaining, mid, 0)
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
