"""Building the platform's element JSON: ids, hierarchy (parent_id), languages, settings filters.

Every format module appends raw elements to an :class:`ElementSink` (type, text, per-element
metadata) and the sink finishes them in one pass, the way the library's partition decorators do:
deterministic ``element_id`` = sha256(filename + text + page_number + sequence-on-page)[:32], a
``parent_id`` from the Title hierarchy, and the document's language on every element.
"""

from __future__ import annotations

import gc
import hashlib
import html
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, pairwise
from typing import Any

from ._lang import detect_languages

# What may contain what in the Title/Header hierarchy (the library's HIERARCHY_RULE_SET).
_CHILD_TYPES = frozenset(
    {
        "UncategorizedText",
        "Text",
        "NarrativeText",
        "ListItem",
        "BulletedText",
        "Table",
        "TableChunk",
        "FigureCaption",
        "CheckBox",
        "Address",
        "EmailAddress",
        "Image",
        "Figure",
        "Formula",
        "CodeSnippet",
        "PageNumber",
        "Footnote",
        "Caption",
        "Link",
    }
)
_HIERARCHY = {
    "Title": _CHILD_TYPES,
    "Header": _CHILD_TYPES | {"Title"},
}


@dataclass(slots=True)
class PartitionSettings:
    """The partitioner node settings the local engine honours (already validated)."""

    strategy: str = "fast"
    include_page_breaks: bool = False
    exclude_elements: frozenset[str] = frozenset()
    encoding: str | None = None
    xml_keep_tags: bool = False
    pdf_infer_table_structure: bool = False
    unique_element_ids: bool = False
    ocr_languages: tuple[str, ...] = ()  # languages/ocr_languages for OCR, as requested


@dataclass(slots=True)
class ElementSink:
    """Collects a document's elements in reading order, then finishes them with :meth:`finish`."""

    filename: str
    filetype: str
    last_modified: str | None = None
    elements: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, type_: str, text: str, **metadata: Any) -> dict[str, Any]:
        """Append an element; ``metadata`` values that are None are left out."""
        meta = {k: v for k, v in metadata.items() if v is not None}
        element = {"type": type_, "element_id": "", "text": text, "metadata": meta}
        self.elements.append(element)
        return element

    def add_table(
        self, rows: list[list[str]], *, header_rows: int = 0, keep_empty_rows: bool = False, **metadata: Any
    ) -> dict[str, Any] | None:
        """Append a Table from a grid of cell strings (text = cells joined by spaces)."""
        # map/filter/chain rather than comprehensions: a sheet can hold hundreds of thousands of cells
        rows = [list(map(str.strip, row)) for row in rows]
        if not keep_empty_rows:
            rows = [row for row in rows if any(row)]
        text = " ".join(filter(None, chain.from_iterable(rows)))
        if not text:
            return None
        return self.add("Table", text, text_as_html=table_html(rows, header_rows=header_rows), **metadata)

    def finish(
        self, settings: PartitionSettings, *, languages_text: str | None = None, languages: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """Assign ids, parents, languages and common metadata; drop excluded types.

        The document's languages are ``languages`` when the partitioner already detected them
        (``[]``: none, as the library gives for some types), else detected on ``languages_text``
        (default: the start of the elements' text)."""
        elements = self.elements
        if languages is None:
            languages = detect_languages(_sample_text(elements) if languages_text is None else languages_text)
        filename = self.filename
        common: dict[str, Any] = {"filename": filename, "filetype": self.filetype}
        if self.last_modified:
            common["last_modified"] = self.last_modified
        if settings.unique_element_ids:
            for element in elements:
                element["element_id"] = str(uuid.uuid4())
        else:
            sha256 = hashlib.sha256
            # sequence number restarts with each run of elements on the same page (the library's groupby)
            previous_page: object = object()
            seq = 0
            for element in elements:
                page = element["metadata"].get("page_number")
                seq = seq + 1 if page == previous_page else 0
                previous_page = page
                key = f"{filename}{element['text']}{page}{seq}"
                element["element_id"] = sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        for element in elements:
            element["metadata"].update(common)
        _set_hierarchy(elements)
        if settings.exclude_elements:
            elements = [e for e in elements if e["type"] not in settings.exclude_elements]
        for element in elements:
            meta = element["metadata"]
            # the document's languages, each element its own list so a consumer mutating one does
            # not change all (none detected: an element's own languages are emptied too)
            if languages or "languages" in meta:
                meta["languages"] = list(languages)
            element["metadata"] = dict(sorted(meta.items()))
        return elements


def _sample_text(elements: Iterable[Mapping[str, Any]], limit: int = 20_000) -> str:
    parts: list[str] = []
    size = 0
    for element in elements:
        parts.append(element["text"])
        size += len(element["text"]) + 1
        if size >= limit:
            break
    return "\n".join(parts)


def _set_hierarchy(elements: list[dict[str, Any]]) -> None:
    """Set ``parent_id`` like the library's ``set_element_hierarchy`` (a stack of open parents)."""
    stack: list[dict[str, Any]] = []
    for element in elements:
        meta = element["metadata"]
        if "parent_id" in meta:
            continue
        category = element["type"]
        depth = meta.get("category_depth") or 0
        parent_id = None
        while stack:
            top = stack[-1]
            top_category = top["type"]
            top_depth = top["metadata"].get("category_depth") or 0
            if (top_category == category and top_depth < depth) or (
                top_category != category and category in _HIERARCHY.get(top_category, ())
            ):
                parent_id = top["element_id"]
                break
            stack.pop()
        if parent_id is not None:
            meta["parent_id"] = parent_id
        stack.append(element)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a table is built: a large sheet or CSV makes
    hundreds of thousands of row lists and tuples, none in a reference cycle (reference
    counting frees them all the same), and as they survive the collector traverses them again
    and again (a quarter to a third of the time of the benchmark's workbook, measured). The
    previous state is restored. Engine workers partition one file at a time; in a threaded
    caller the pause only lasts while such a table is built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_CELL_SEP, _ROW_SEP = "\x00", "\x01"


def table_html(rows: list[list[str]], *, header_rows: int = 0) -> str:
    """HTML of a table the way the library writes ``text_as_html`` (compact, escaped cells,
    ``<td/>`` for an empty cell); cells are expected stripped.

    The whole table is escaped in one call, with control characters as cell and row separators:
    on large sheets that is several times faster than escaping cell by cell.
    """

    def body(group: list[list[str]], tag: str) -> str:
        if not group:
            return ""
        joined = _ROW_SEP.join(map(_CELL_SEP.join, group))
        if joined.count(_CELL_SEP) != sum(map(len, group)) - len(group) or joined.count(_ROW_SEP) != len(group) - 1:
            # a cell holds a separator character itself: clean the cells and join again
            joined = _ROW_SEP.join(_CELL_SEP.join(c.replace(_CELL_SEP, "").replace(_ROW_SEP, "") for c in row) for row in group)
        inner = html.escape(joined).replace(_CELL_SEP, f"</{tag}><{tag}>").replace(_ROW_SEP, f"</{tag}></tr><tr><{tag}>")
        out = f"<tr><{tag}>{inner}</{tag}></tr>"
        return out.replace("<td></td>", "<td/>") if tag == "td" else out

    if header_rows:
        return f"<table><thead>{body(rows[:header_rows], 'th')}</thead><tbody>{body(rows[header_rows:], 'td')}</tbody></table>"
    return f"<table>{body(rows, 'td')}</table>"


def decode_text(data: bytes, encoding: str | None, filename: str) -> tuple[str, list[str]]:
    """Decode bytes: BOM, then the requested encoding, then UTF-8, then a detector; never raises.

    Returns the text and warnings (e.g. when the requested encoding did not fit the bytes).
    """
    warnings: list[str] = []
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec).lstrip("\ufeff"), warnings
            except UnicodeDecodeError:
                break
    requested = (encoding or "utf-8").strip() or "utf-8"
    tried: list[str] = []
    for codec in (requested, "utf-8"):
        if codec.lower().replace("_", "-") in tried:
            continue
        tried.append(codec.lower().replace("_", "-"))
        try:
            text = data.decode(codec)
        except LookupError:
            warnings.append(f"unknown encoding {codec!r} for {filename}; detected the encoding instead")
            continue
        except UnicodeDecodeError:
            continue
        if codec is not requested:
            warnings.append(f"{filename} is not valid {requested}; decoded it as {codec}")
        return text, warnings
    guessed = _guess_legacy_encoding(data)
    if guessed:
        warnings.append(f"{filename} is not valid {requested}; decoded it as {guessed} (detected)")
        return data.decode(guessed), warnings
    warnings.append(f"{filename} is not valid {requested}; undecodable bytes were replaced")
    return data.decode("utf-8", errors="replace"), warnings


# Legacy single-byte encodings, most common first: a tie goes to the earlier one.
_LEGACY_CODECS = ("cp1252", "cp1250", "cp1251", "cp1257", "cp1253", "cp1254", "koi8_r", "cp1255", "cp1256")
_LATIN_CODECS = frozenset({"cp1252", "cp1250", "cp1257", "cp1254"})
# typographic characters that are legitimate in text although not letters
_TEXT_SYMBOLS = frozenset(
    "\u00a0\u00ab\u00bb\u00b0\u00a7\u00a9\u00ae\u00b7\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u20ac\u2022\u00bf\u00a1"
)


def _guess_legacy_encoding(data: bytes) -> str | None:
    """The single-byte encoding under which ``data`` reads most like text, or None.

    Generic detectors guess badly on short text (Latin-1 French comes out as Central European,
    'crčme'), so each candidate decoding is scored directly: non-ASCII characters should be
    letters or common typography; a word should not mix scripts ('Pшнliљ') nor turn to capitals
    mid-word ('рТЙЧЕФ'); a Latin decoding whose letters are mostly non-ASCII is really another
    script ('Ïðèâåò').
    """
    sample = data[:200_000]
    best: tuple[float, str] | None = None
    for codec in _LEGACY_CODECS:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        high = [c for c in text if ord(c) > 127]
        if not high:
            return codec
        penalty = sum(1 for c in high if not c.isalpha() and c not in _TEXT_SYMBOLS) / len(high)
        words = [w for w in _WORD.findall(text) if not w.isascii()]
        if words:
            penalty += sum(1 for w in words if _odd_word(w)) / len(words)
        letters = sum(1 for c in text if c.isalpha())
        if codec in _LATIN_CODECS and letters and sum(1 for c in high if c.isalpha()) / letters > 0.6:
            penalty += 1.0
        if best is None or penalty < best[0]:
            best = (penalty, codec)
    return best[1] if best is not None and best[0] < 0.5 else None


_WORD = re.compile(r"[^\W\d_]+")


def _odd_word(word: str) -> bool:
    """A word that mixes scripts, or has a capital after a small letter."""
    scripts = {unicodedata.name(c, "?").split(" ")[0] for c in word}
    if len(scripts) > 1:
        return True
    return any(a.islower() and b.isupper() for a, b in pairwise(word))
