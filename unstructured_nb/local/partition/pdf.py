"""PDF with a text layer: pdfminer.six's layout analysis, page by page, like the library's ``fast``.

The library's fast strategy runs pdfminer's ``PDFPageAggregator`` with default ``LAParams``
(characters -> lines by ``char_margin``/``word_margin``/``line_overlap``, lines -> text boxes by
``line_margin``, boxes in pdfminer's reading order) and classifies each box's text. We run the same
analysis (so the grouping is identical) with less around it, one page at a time: pdfminer's
interpreter and fonts give the characters (``pdf_chars``, content streams read by ``pdf_content``),
pdfminer's grouping rules run on plain tuples (``pdf_layout``). Then we classify with the package's
heuristics (Header/Footer first, by position, as ``element_from_text``), order each page as the
library does (basic top-left sort, then XY-cut: ``pdf_xycut``), join a ListItem with the box
that continues it (``_combine_list_elements``) and write ``coordinates`` as the library does:
PixelSpace points, origin top-left, corners (x1, top), (x1, bottom), (x2, bottom), (x2, top), with the page's layout width/height.

pypdf does the cheap pre-flight (header, password, page count) so a broken or protected file
fails with a clear message. No OCR here: ``read_text_layer`` reads the text layer once and says which
pages have none; ``partition_pdf`` (the fast strategy) reports them in a warning, and a PDF with no
text at all fails with a message naming the strategies that OCR it; ``pdf_strategy`` OCRs them.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError
from ._lang import detect_languages
from ._text_type import classify
from .pdf_chars import PageChars, pdfminer_pages
from .pdf_layout import analyze
from .pdf_xycut import reading_order

_SPACES = re.compile(r"\s+")
_PARAGRAPH = re.compile(r"\s*\n\s*")  # the library's PARAGRAPH_PATTERN, for text outside boxes
_CID_BULLET = re.compile(r"^\s*\(cid:\d+\)\s*")  # symbol-font bullets pdfminer cannot map, e.g. (cid:127)
_Box = tuple[str, tuple[float, float, float, float]]  # text, (x1, top, x2, bottom) in PixelSpace


@dataclasses.dataclass(slots=True)
class TextLayer:
    """A PDF's text layer, read once: each page's boxes and size, the pages without text and those that failed."""

    pages: list[list[_Box]]
    sizes: list[tuple[float, float]]
    empty_pages: list[int]
    failed_pages: list[int]

    def failed_warning(self, filename: str) -> str | None:
        if not self.failed_pages:
            return None
        return f"{filename}: page(s) {page_ranges(self.failed_pages)} could not be read and were skipped"


def read_text_layer(path: Path, filename: str) -> TextLayer:
    """Read every page's text boxes (pdfminer's layout), one page at a time; fail clearly on a broken or locked file."""
    page_count = _preflight(path, filename)
    layer = TextLayer([], [], [], [])
    for number, (blocks, size) in enumerate(_pdf_pages(path, page_count), start=1):
        layer.sizes.append(size)
        if blocks is None:
            layer.failed_pages.append(number)
            blocks = []
        elif not blocks:
            layer.empty_pages.append(number)
        layer.pages.append(blocks)
    return layer


def partition_pdf(
    path: Path, sink: ElementSink, settings: PartitionSettings, layer: TextLayer | None = None
) -> list[dict[str, Any]]:
    """Partition a PDF's text layer into elements, page by page (the fast strategy); ``layer`` if already read."""
    if layer is None:
        layer = read_text_layer(path, sink.filename)
    if not any(layer.pages):
        if layer.failed_pages:
            raise FileProcessingError(
                f"{sink.filename} could not be read (its pages are damaged); re-export it or check the upload"
            )
        raise FileProcessingError(
            f"{sink.filename}: no text found: the PDF has no text layer (a scan or images of text?), and the fast "
            "strategy reads text layers only. Run it with the strategy auto, hi_res or ocr_only to OCR it"
        )
    if layer.empty_pages:
        sink.warnings.append(
            f"{sink.filename}: page(s) {page_ranges(layer.empty_pages)} have no text layer (scanned?) and were skipped "
            "by the fast strategy, which reads text layers only; use auto, hi_res or ocr_only to OCR them"
        )
    failed = layer.failed_warning(sink.filename)
    if failed:
        sink.warnings.append(failed)
    sample = add_text_elements(layer, sink, settings)
    return sink.finish(settings, languages_text=sample)


def add_text_elements(layer: TextLayer, sink: ElementSink, settings: PartitionSettings) -> str:
    """Add the layer's elements to ``sink`` page by page (PageBreaks as set); return the text languages come from."""
    sample = " ".join(text for blocks in layer.pages[:10] for text, _ in blocks)[:20_000]
    language = detect_languages(sample)[0]
    page_count = len(layer.pages)
    for number, blocks in enumerate(layer.pages, start=1):
        width, height = layer.sizes[number - 1]
        page_elements = _combine_list_items([_element(text, bbox, language, height) for text, bbox in blocks])
        # the library's SORT_MODE_BASIC pass: top edge, then left edge (a stable sort)
        page_elements.sort(key=lambda element: (element[2][1], element[2][0]))
        # then its default SORT_MODE_XY_CUT pass (sort_page_elements)
        page_elements = [page_elements[i] for i in reading_order([e[2] for e in page_elements])]
        for element in page_elements:
            type_, text, (x1, top, x2, bottom) = element
            coordinates = {
                "points": [[x1, top], [x1, bottom], [x2, bottom], [x2, top]],
                "system": "PixelSpace",
                "layout_width": width,
                "layout_height": height,
            }
            sink.add(type_, text, page_number=number, coordinates=coordinates)
        if settings.include_page_breaks and number < page_count:
            sink.add("PageBreak", "", page_number=number)
    return sample


def _preflight(path: Path, filename: str) -> int:
    """The page count, after checking the header and the password with pypdf (cheap, and clear messages)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    with open(path, "rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise FileProcessingError(
            f"{filename} is not a valid PDF (no %PDF header: it is another kind of file renamed .pdf); "
            "re-export it as PDF or check the upload"
        )
    try:
        reader = PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                ok: Any = reader.decrypt("")
            except (NotImplementedError, FileNotDecryptedError, PdfReadError):
                ok = 0
            if not ok:
                raise FileProcessingError(
                    f"{filename} is password-protected; remove the password (print or export it to a new PDF) and upload it again"
                )
        page_count = len(reader.pages)
    except FileProcessingError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise FileProcessingError(f"{filename} is not a valid PDF ({_short(exc)}); re-export it or check the upload") from None
    if page_count == 0:
        raise FileProcessingError(f"{filename} is a PDF with no pages; re-export it or check the upload")
    return page_count


def _pdf_pages(path: Path, page_count: int) -> Any:
    """Yield ``(boxes or None when the page failed, (width, height))`` for each page, one at a time."""
    seen = 0
    for page in pdfminer_pages(path):
        seen += 1
        if page is None:
            yield None, (612.0, 792.0)
            continue
        yield _page_boxes(page), (page[2][2] - page[2][0], page[2][3] - page[2][1])
    for _ in range(seen, page_count):
        yield None, (612.0, 792.0)


def _page_boxes(page: PageChars) -> list[_Box]:
    """The page's text boxes as the library lists pdfminer's layout: boxes, then figures' paragraphs, then empty lines."""
    chars, figures, page_bbox = page
    height = page_bbox[3] - page_bbox[1]
    boxes, empties = analyze(chars, page_bbox)
    items = [*(([text], bbox) for text, bbox in boxes), *((_PARAGRAPH.split(text), bbox) for text, bbox in figures)]
    items.extend(([text], bbox) for text, bbox in empties)
    out: list[_Box] = []
    for snippets, (x1, y1, x2, y2) in items:
        for snippet in snippets:
            text = _SPACES.sub(" ", snippet).strip()
            if text:
                out.append((text, (x1, height - y2, x2, height - y1)))
    return out


def _element(text: str, bbox: tuple[float, float, float, float], language: str, height: float) -> tuple[str, str, Any]:
    # the library's element_from_text: position first (mean y of the four corners vs the page height)
    middle = (bbox[1] + bbox[3]) / 2 / height if height else 0.5
    if middle < 0.07:
        return "Header", text, bbox
    if middle > 0.93:
        return "Footer", text, bbox
    if _CID_BULLET.match(text) and _CID_BULLET.sub("", text, count=1):
        return "ListItem", _CID_BULLET.sub("", text, count=1), bbox
    type_, clean = classify(text, language)
    return type_, clean or text, bbox


def _combine_list_items(elements: list[tuple[str, str, Any]]) -> list[tuple[str, str, Any]]:
    """The library's ``_combine_list_elements``: a box inside a ListItem's bounds continues it."""
    out: list[tuple[str, str, Any]] = []
    item: tuple[str, str, Any] | None = None
    for element in elements:
        if element[0] == "ListItem":
            item = element
        elif item is not None and _within(element[2], item[2]):
            (ix1, itop, ix2, ibottom), (x1, top, x2, bottom) = item[2], element[2]
            merged = (min(ix1, x1), min(itop, top), max(ix2, x2), max(ibottom, bottom))
            element = ("ListItem", f"{item[1]} {element[1]}", merged)
            out.pop()
        out.append(element)
    return out


def _within(box: tuple[float, ...], bound: tuple[float, ...]) -> bool:
    """``check_coords_within_boundary`` with the library's thresholds (0.2 across, 0.3 down)."""
    bx1, btop, bx2, bbottom = bound
    x1, top, x2, _ = box
    width, height = bx2 - bx1, bbottom - btop
    x_ok = bx1 - 0.2 * width < x1 and x2 < bx2 + 0.2 * width and x1 >= bx1
    return x_ok and btop - 0.3 * height < top < bbottom + 0.3 * height


def page_ranges(numbers: list[int]) -> str:
    """Sorted page numbers as runs: [1, 2, 3, 7] -> "1-3, 7"."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:140]
