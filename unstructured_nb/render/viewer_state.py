"""The page viewer's state as plain values, and what it draws: the page's boxes, legends, reading view, details and snapshot.

A :class:`ViewerState` holds documents (one per file), each with one or more panes (a run's
output; two panes show two runs side by side on the same pages), and the user's choices:
file, page, mode (``elements`` or ``chunks``), hidden types, selection, drawing width. Its
methods give the widget's payloads and the static snapshot; nothing here knows about widgets,
so tests drive it directly. Only the page on screen is drawn, and only its boxes are worked
out (see ``layout``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .boxes import element_box
from .element_html import detail_html, reading_html, reading_pages
from .layout import Layout, Originals, is_chunked
from .page_images import PageImage, Pages, PagesError
from .page_snapshot import LegendEntry, PageShot, snapshot_html, snapshot_text
from .style import type_colour

__all__ = ["MODES", "DocumentInput", "PaneInput", "ViewerState"]

MODES = ("elements", "chunks")
LETTER = (612.0, 792.0)  # the page drawn for boxes without a source or a layout size
WIDTH_STEP = 400  # page images are drawn at multiples of this, so a resize rarely redraws
SNAPSHOT_WIDTH = 800  # pixels across a page in the static snapshot (it is saved in the notebook)


@dataclass
class PaneInput:
    """One run's output for one file: ``elements`` as the API returned them (elements or chunks)."""

    title: str
    elements: list[dict[str, Any]]
    partitioned: list[dict[str, Any]] | None = None  # for chunks: the partitioner's own output, if known


@dataclass
class DocumentInput:
    """One file: its panes, its pages to draw (None: none), and a note on why pages are missing."""

    name: str
    panes: list[PaneInput]
    pages: Pages | None = None
    note: str = ""


class ViewerState:
    """What the viewer shows, and everything it draws from that."""

    def __init__(self, documents: Sequence[DocumentInput], originals: Originals, *, mode: str | None = None) -> None:
        if not documents:
            raise ValueError("nothing to view: no documents")
        self.documents = list(documents)
        self.originals = originals
        self.file = 0
        self.page = 1
        self.hidden: frozenset[str] = frozenset()
        self.selected: tuple[str, ...] = ()
        self.width = 1200  # a notebook cell's width: most screens never ask for more
        self.mode = "elements"
        self._layouts: dict[tuple[int, int, str], Layout | None] = {}
        self._image: tuple[tuple[int, int, int], PageImage | None] | None = None
        self._snapshot_image: tuple[tuple[int, int, int], PageImage | None] | None = None
        self.problem = ""  # the latest drawing failure, shown as a note
        self._chunked_cache: dict[int, bool] = {}
        self._pick_mode(mode)

    # -- what there is -------------------------------------------------------------------------
    @property
    def document(self) -> DocumentInput:
        return self.documents[self.file]

    def _list(self, pane: PaneInput, mode: str) -> tuple[list[dict[str, Any]], bool] | None:
        """The element list a pane shows in ``mode``, and whether it holds chunks (None: not available)."""
        chunked = self._chunked(pane)
        if mode == "chunks":
            return (pane.elements, True) if chunked else None
        if not chunked:
            return pane.elements, False
        if pane.partitioned is not None:
            return pane.partitioned, False
        flat: dict[str, dict[str, Any]] = {}  # an element split over chunks is in the originals of each
        for chunk in pane.elements:
            for original in self.originals(chunk) or ():
                flat.setdefault(str(original.get("element_id") or len(flat)), original)
        return (list(flat.values()), False) if flat else None

    def layout(self, pane_index: int, mode: str | None = None) -> Layout | None:
        mode = mode or self.mode
        key = (self.file, pane_index, mode)
        if key not in self._layouts:
            pane = self.document.panes[pane_index]
            found = self._list(pane, mode)
            self._layouts[key] = (
                None if found is None else Layout(found[0], chunks=found[1], originals=self.originals, page_size=self._pages_size)
            )
        return self._layouts[key]

    def _chunked(self, pane: PaneInput) -> bool:
        key = id(pane.elements)
        if key not in self._chunked_cache:
            self._chunked_cache[key] = is_chunked(pane.elements)
        return self._chunked_cache[key]

    def _offers(self, pane: PaneInput, mode: str) -> bool:
        """Whether ``_list`` would give something, without decoding a chunk."""
        chunked = self._chunked(pane)
        if mode == "chunks":
            return chunked
        if not chunked or pane.partitioned is not None:
            return True
        return any("orig_elements" in (c.get("metadata") or {}) for c in pane.elements)

    def modes(self) -> list[str]:
        return [m for m in MODES if any(self._offers(p, m) for p in self.document.panes)]

    def _pick_mode(self, wanted: str | None) -> None:
        available = self.modes()
        if wanted is not None and wanted not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {wanted!r}")
        if wanted in available:
            self.mode = wanted
        elif "chunks" in available:
            self.mode = "chunks"
        else:
            self.mode = available[0] if available else "elements"

    def _layouts_now(self) -> list[Layout | None]:
        return [self.layout(i) for i in range(len(self.document.panes))]

    @property
    def kind(self) -> str:
        """'pages' when there are pages or boxes to draw, else 'reading'."""
        if self.document.pages is not None:
            return "pages"
        return "pages" if any(lay is not None and lay.has_boxes() for lay in self._layouts_now()) else "reading"

    def _reading(self, pane_index: int) -> list[list[int]]:
        lay = self.layout(pane_index)
        return reading_pages(lay.elements) if lay is not None else [[]]

    @property
    def page_count(self) -> int:
        if self.kind == "reading":
            return max(len(self._reading(i)) for i in range(len(self.document.panes)))
        if self.document.pages is not None:
            return self.document.pages.page_count
        return max([1, *(lay.last_page for lay in self._layouts_now() if lay is not None)])

    def _pages_size(self, page: int) -> tuple[float, float] | None:
        pages = self.document.pages
        if pages is None or not 1 <= page <= pages.page_count:
            return None
        try:
            return pages.size(page)
        except PagesError:
            return None

    def page_size(self, page: int) -> tuple[float, float]:
        """The page's width and height: the source's, else a layout size its elements carry, else Letter."""
        found = self._pages_size(page)
        if found is not None:
            return found
        for lay in self._layouts_now():
            if lay is None:
                continue
            for index in lay.on_page(page):
                coords = (lay.elements[index].get("metadata") or {}).get("coordinates")
                if isinstance(coords, Mapping) and element_box(coords) is not None:
                    width, height = coords.get("layout_width"), coords.get("layout_height")
                    if isinstance(width, (int, float)) and isinstance(height, (int, float)) and width > 0 and height > 0:
                        return float(width), float(height)
        return LETTER

    # -- the user's choices --------------------------------------------------------------------
    def set_file(self, index: int) -> None:
        self.file = max(0, min(len(self.documents) - 1, int(index)))
        self.page = 1
        self._pick_mode(self.mode)

    def set_page(self, page: int) -> None:
        self.page = max(1, min(self.page_count, int(page)))

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if mode not in self.modes():
            raise ValueError(f"this output has no {mode} to show (it offers: {', '.join(self.modes()) or 'nothing'})")
        self.mode = mode
        self.set_page(self.page)

    def set_width(self, width: int) -> bool:
        """The width the page is shown at, in device pixels; True if the image must be drawn again."""
        step = max(WIDTH_STEP, -(-int(width) // WIDTH_STEP) * WIDTH_STEP)
        if step <= self.width:
            return False  # never redraw smaller: the browser scales down
        self.width = step
        return True

    def select(self, ids: Iterable[str]) -> tuple[list[str], list[str]]:
        """Select elements by id and turn to the page of the first; returns (found, missing).

        Looks in this file's panes in the current mode, then the other mode, then the other files.
        """
        wanted = [str(i) for i in ids]
        if not wanted:
            self.selected = ()
            return [], []
        order = [(self.file, self.mode)] + [(self.file, m) for m in MODES if m != self.mode]
        order += [(f, m) for f in range(len(self.documents)) if f != self.file for m in MODES]
        for file, mode in order:
            found = self._find(file, mode, wanted)
            if found:
                if file != self.file:
                    self.set_file(file)
                if mode != self.mode:
                    self.set_mode(mode)
                self.selected = tuple(found)
                self._turn_to(found[0])
                return found, [i for i in wanted if i not in found]
        return [], wanted

    def _find(self, file: int, mode: str, wanted: list[str]) -> list[str]:
        saved = self.file
        self.file = file
        try:
            if mode not in self.modes():
                return []
            lays = [self.layout(i, mode) for i in range(len(self.document.panes))]
            return [i for i in wanted if any(lay is not None and lay.index_of(i) is not None for lay in lays)]
        finally:
            self.file = saved

    def _turn_to(self, element_id: str) -> None:
        for pane_index, lay in enumerate(self._layouts_now()):
            index = lay.index_of(element_id) if lay is not None else None
            if lay is None or index is None:
                continue
            if self.kind == "reading":
                for number, group in enumerate(self._reading(pane_index), 1):
                    if index in group:
                        self.page = number
                        return
            page = lay.first_page_of(index)
            if page is not None:
                self.set_page(page)
                return

    def selected_elements(self) -> list[tuple[int, dict[str, Any]]]:
        """(pane, element) of every selected id, in the panes' order."""
        out: list[tuple[int, dict[str, Any]]] = []
        for pane_index, lay in enumerate(self._layouts_now()):
            for element_id in self.selected:
                index = lay.index_of(element_id) if lay is not None else None
                if lay is not None and index is not None:
                    out.append((pane_index, dict(lay.elements[index])))
        return out

    # -- what is drawn -------------------------------------------------------------------------
    def image(self) -> PageImage | None:
        """The current page drawn at the current width (cached), or None without a source."""
        pages = self.document.pages
        if pages is None or self.kind != "pages":
            return None
        key = (self.file, self.page, self.width)
        if self._image is None or self._image[0] != key:
            try:
                drawn: PageImage | None = pages.render(self.page, self.width)
                self.problem = ""
            except PagesError as exc:
                drawn, self.problem = None, f"{exc}. Boxes are drawn on a blank page."
            self._image = (key, drawn)
        return self._image[1]

    def _legend(self, lay: Layout | None) -> list[LegendEntry]:
        if lay is None:
            return []
        on_page = lay.page_counts(self.page)
        return [
            LegendEntry(t, type_colour(t), n, on_page.get(t, 0)) for t, n in sorted(lay.counts.items(), key=lambda kv: -kv[1])
        ]

    def _pane_note(self, lay: Layout | None) -> str:
        if lay is None:
            return f"No {self.mode} in this output."
        if self.kind == "reading":
            return ""
        missing = lay.boxless(self.page)
        if lay.chunks and not lay.has_boxes() and lay.elements:
            return "These chunks carry no orig_elements, so where they sit is unknown: set include_orig_elements in the chunker."
        if missing:
            return f"{missing} of the {len(lay.on_page(self.page))} {self.mode} on this page have no coordinates to draw."
        return ""

    def payload(self) -> dict[str, Any]:
        """Everything the widget draws for this page but the image, selection and hidden types."""
        width, height = self.page_size(self.page) if self.kind == "pages" else LETTER
        panes = []
        for pane_index, (pane, lay) in enumerate(zip(self.document.panes, self._layouts_now(), strict=True)):
            entry: dict[str, Any] = {"title": pane.title, "note": self._pane_note(lay)}
            entry["legend"] = [
                {"type": e.type, "colour": e.colour, "count": e.count, "on_page": e.on_page} for e in self._legend(lay)
            ]
            if self.kind == "reading" and lay is not None:
                groups = self._reading(pane_index)
                group = groups[self.page - 1] if self.page <= len(groups) else []
                entry["html"] = reading_html(lay.elements, group, frozenset(self.selected))
            else:
                entry["marks"] = [m.payload() for m in lay.marks(self.page)] if lay is not None else []
            panes.append(entry)
        note = " ".join(n for n in (self.document.note, self.problem) if n)
        return {
            "kind": self.kind,
            "files": [d.name for d in self.documents],
            "file": self.file,
            "page": self.page,
            "page_count": self.page_count,
            "mode": self.mode,
            "modes": self.modes(),
            "aspect": height / width if width > 0 else 1.294,
            "panes": panes,
            "note": note,
        }

    def detail(self) -> str:
        """The selected element's details (the first, when several are), as HTML; '' for none."""
        chosen = self.selected_elements()
        if not chosen:
            return ""
        pane_index, element = chosen[0]
        lay = self.layout(pane_index)
        index = lay.index_of(str(element.get("element_id"))) if lay is not None else None
        pages = lay.pages_of(index) if lay is not None and index is not None else []
        originals = len(lay.originals_of(index)) if lay is not None and lay.chunks and index is not None else None
        title = self.document.panes[pane_index].title if len(self.document.panes) > 1 else ""
        more = f'<div class="unb-more">{len(chosen)} selected; the first is shown.</div>' if len(chosen) > 1 else ""
        return more + detail_html(element, pages=pages, originals=originals, pane=title)

    def snapshot_image(self) -> PageImage | None:
        """The current page drawn for the snapshot: narrower than on screen, as it is stored in the notebook."""
        pages = self.document.pages
        if pages is None or self.kind != "pages":
            return None
        key = (self.file, self.page, SNAPSHOT_WIDTH)
        if self._snapshot_image is None or self._snapshot_image[0] != key:
            try:
                self._snapshot_image = (key, pages.render(self.page, SNAPSHOT_WIDTH))
            except PagesError:
                self._snapshot_image = (key, None)
        return self._snapshot_image[1]

    def shots(self) -> list[PageShot]:
        """The current page of every pane, as the snapshot draws it."""
        payload = self.payload()
        image = self.snapshot_image()
        width, height = self.page_size(self.page) if self.kind == "pages" else LETTER
        out = []
        for pane, lay, drawn in zip(self.document.panes, self._layouts_now(), payload["panes"], strict=True):
            legend = self._legend(lay)
            marks = [
                m for m in (lay.marks(self.page) if lay is not None and self.kind == "pages" else []) if m.type not in self.hidden
            ]
            shot = PageShot(pane.title, self.page, self.page_count, width, height, image, marks, drawn["note"], legend)
            if self.kind == "reading":
                shot = PageShot(
                    pane.title, self.page, self.page_count, width, height, None, (), drawn["note"], legend, drawn["html"]
                )
            out.append(shot)
        return out

    def heading(self) -> str:
        what = "Reading view" if self.kind == "reading" else "Page viewer"
        mode = f", {self.mode}" if "chunks" in self.modes() else ""
        return f"{what} of {self.document.name}{mode}"

    def snapshot(self) -> tuple[str, str]:
        """(text/html, text/plain) of what is on screen."""
        shots = self.shots()
        note = " ".join(n for n in (self.document.note, self.problem) if n)
        return snapshot_html(self.heading(), shots, note), snapshot_text(self.heading(), shots)
