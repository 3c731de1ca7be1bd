"""An element list laid out on its pages for the page viewer: pages, boxes, type counts, and chunks as unions of their originals.

A :class:`Layout` indexes a list of element dicts (a node's output, as the API returns it) by
page in one cheap pass, and works out the boxes of a page only when that page is shown, so a
500-page document costs no more to open than a one-page one. For chunks (``chunks=True``),
each chunk is drawn as the union of its original elements' boxes on every page they touch,
with the originals' own boxes as its ``parts``; the originals come from ``originals`` (a
function that decodes ``metadata.orig_elements``), since this layer decodes nothing itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .boxes import Box, element_box, has_coordinates, union
from .style import chunk_colour, type_colour

__all__ = ["CHUNK_TYPES", "Layout", "Mark", "Originals", "element_type", "is_chunked", "page_of", "tip_of"]

#: Types only a chunker makes (a chunker's Table is a chunk too, but so is a partitioner's).
CHUNK_TYPES = frozenset({"CompositeElement", "TableChunk"})
TIP_CHARS = 120

#: A chunk -> its original elements, or None when it carries none (or they cannot be read).
Originals = Callable[[Mapping[str, Any]], "list[dict[str, Any]] | None"]


@dataclass(frozen=True, slots=True)
class Mark:
    """One box to draw: an element (or a chunk) on one page."""

    index: int  # the element's position in the layout's list
    element_id: str
    type: str
    page: int
    box: Box
    colour: str
    tip: str  # plain text: type and the start of the text
    label: str = ""  # a chunk's number, drawn at its corner
    parts: tuple[Box, ...] = ()  # a chunk's original elements on this page

    def payload(self) -> dict[str, Any]:
        """The mark as the viewer's JavaScript reads it (short keys: a page may hold hundreds)."""
        out: dict[str, Any] = {"i": self.index, "id": self.element_id, "t": self.type, "c": self.colour, "b": self.box.rounded()}
        out["tip"] = self.tip
        if self.label:
            out["n"] = self.label
        if self.parts:
            out["p"] = [part.rounded() for part in self.parts]
        return out


def _metadata(element: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = element.get("metadata")
    return meta if isinstance(meta, Mapping) else {}


def element_type(element: Mapping[str, Any]) -> str:
    value = element.get("type")
    return value if isinstance(value, str) and value else "(no type)"


def page_of(element: Mapping[str, Any]) -> int | None:
    """``metadata.page_number`` as a page (1 or more), or None when absent or not a page number."""
    value = _metadata(element).get("page_number")
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and 1 <= value <= 10_000_000 else None


def tip_of(element: Mapping[str, Any]) -> str:
    """What hovering shows: the type and the start of the text, on one line."""
    text = element.get("text")
    words = " ".join(text[: TIP_CHARS * 4].split()) if isinstance(text, str) else ""
    if len(words) > TIP_CHARS:
        words = words[:TIP_CHARS].rstrip() + "…"
    return f"{element_type(element)}: {words}" if words else element_type(element)


def is_chunked(elements: Sequence[Mapping[str, Any]]) -> bool:
    """True for a chunker's output: chunk types, or elements that carry their originals."""
    return any(element_type(e) in CHUNK_TYPES or "orig_elements" in _metadata(e) for e in elements)


def _element_id(element: Mapping[str, Any], index: int) -> str:
    value = element.get("element_id")
    return value if isinstance(value, str) and value else f"#{index}"


class Layout:
    """``elements`` (or chunks) on their pages; boxes are worked out page by page, when asked."""

    def __init__(
        self,
        elements: Sequence[Mapping[str, Any]],
        *,
        chunks: bool = False,
        originals: Originals | None = None,
        page_size: Callable[[int], tuple[float, float] | None] | None = None,
    ) -> None:
        self.elements = elements
        self.chunks = chunks
        self._page_size = page_size
        self._decode = originals if chunks else None
        self._originals: dict[int, list[dict[str, Any]] | None] = {}
        self._by_page: dict[int, list[int]] = {}  # elements: every page; chunks: the page each starts on
        self._chunk_pages: dict[int, list[int]] = {}  # chunks, once their originals are decoded for a page
        self._ids: dict[str, int] = {}
        self._marks: dict[int, list[Mark]] = {}
        self._starts: list[int] = []  # chunks: the start page of each, in order
        self.unpaged = 0  # elements without a page number (drawn nowhere when pages exist)
        self.counts: Counter[str] = Counter()
        for index, element in enumerate(elements):
            self.counts[element_type(element)] += 1
            self._ids.setdefault(_element_id(element, index), index)
            page = self._own_page(element)
            if page is None:
                self.unpaged += 1
                continue
            self._by_page.setdefault(page, []).append(index)
            if self._decode is not None:
                self._starts.append(index)

    @staticmethod
    def _own_page(element: Mapping[str, Any]) -> int | None:
        own = page_of(element)
        if own is None and has_coordinates(_metadata(element)):
            return 1  # an image's elements may carry no page number: its one page
        return own

    def _decoded(self, index: int) -> list[dict[str, Any]] | None:
        """A chunk's originals, decoded once, when first needed (a 500-page output decodes only what is shown)."""
        if index not in self._originals:
            found = self._decode(self.elements[index]) if self._decode is not None else None
            self._originals[index] = found or None
        return self._originals[index]

    def pages_of(self, index: int) -> list[int]:
        """Every page the element (or the chunk's originals) is on."""
        element = self.elements[index]
        own = self._own_page(element)
        found = self._decoded(index) if self._decode is not None else None
        if found:
            return sorted({page_of(o) or own or 1 for o in found})
        return [own] if own is not None else []

    def on_page(self, page: int) -> list[int]:
        """Indices of the elements (or chunks) on ``page``.

        Chunks are consecutive in reading order, so a chunk can reach ``page`` only if it starts
        there or earlier and the next chunk starts there or later: only those are decoded.
        """
        if self._decode is None:
            return list(self._by_page.get(page, ()))
        cached = self._chunk_pages.get(page)
        if cached is not None:
            return list(cached)
        found = []
        starts = self._starts
        for position, index in enumerate(starts):
            start = self._own_page(self.elements[index]) or 1
            if start > page:
                break
            following = starts[position + 1] if position + 1 < len(starts) else None
            reach = (self._own_page(self.elements[following]) or start) if following is not None else None
            could = start == page or reach is None or reach >= page
            if could and page in self.pages_of(index):
                found.append(index)
        self._chunk_pages[page] = found
        return list(found)

    @property
    def pages(self) -> list[int]:
        """The pages where elements (or chunks) start, in order."""
        return sorted(self._by_page)

    @property
    def last_page(self) -> int:
        last = max(self._by_page, default=0)
        if self._decode is not None and self._starts:
            last = max([last, *self.pages_of(self._starts[-1])])
        return last

    def index_of(self, element_id: str) -> int | None:
        return self._ids.get(element_id)

    def first_page_of(self, index: int) -> int | None:
        for page in self.pages_of(index):
            return page
        return None

    def page_counts(self, page: int) -> Counter[str]:
        return Counter(element_type(self.elements[i]) for i in self.on_page(page))

    def originals_of(self, index: int) -> list[dict[str, Any]]:
        """A chunk's decoded original elements ([] when it carries none)."""
        return list(self._decoded(index) or ()) if self._decode is not None else []

    def _size(self, page: int) -> tuple[float, float] | None:
        return self._page_size(page) if self._page_size is not None else None

    def marks(self, page: int) -> list[Mark]:
        """The boxes on ``page``, in the elements' order (computed once per page)."""
        cached = self._marks.get(page)
        if cached is not None:
            return cached
        size: tuple[float, float] | None = None
        sized = False
        marks: list[Mark] = []
        for index in self.on_page(page):
            element = self.elements[index]
            eid, etype, tip = _element_id(element, index), element_type(element), tip_of(element)
            found = self._decoded(index) if self._decode is not None else None
            if found:
                parts = []
                for original in found:
                    if (page_of(original) or page_of(element) or 1) != page:
                        continue
                    if not sized:
                        size, sized = self._size(page), True
                    box = element_box(_metadata(original).get("coordinates"), size)
                    if box is not None:
                        parts.append(box)
                whole = union(parts)
                if whole is not None:
                    label = str(index + 1)
                    marks.append(Mark(index, eid, etype, page, whole, chunk_colour(index), tip, label, tuple(parts)))
                continue
            coordinates = _metadata(element).get("coordinates")
            if coordinates is None:
                continue
            if not sized:
                size, sized = self._size(page), True
            box = element_box(coordinates, size)
            if box is not None:
                marks.append(Mark(index, eid, etype, page, box, type_colour(etype), tip))
        self._marks[page] = marks
        return marks

    def boxless(self, page: int) -> int:
        """How many elements on ``page`` have no box to draw."""
        return len(self.on_page(page)) - len(self.marks(page))

    def has_boxes(self) -> bool:
        """True if any element (or chunk original) carries coordinates at all."""
        if self._decode is not None:  # the first chunks with originals tell
            return any(has_coordinates(_metadata(o)) for i in range(len(self.elements)) for o in self.originals_of(i))
        return any(has_coordinates(_metadata(e)) for e in self.elements)
