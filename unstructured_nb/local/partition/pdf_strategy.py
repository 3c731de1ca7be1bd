"""PDFs by strategy: the text layer (pdf.py) where a page has one, OCR where it has not, page by page.

``fast`` reads text layers only and says which pages had none; ``ocr_only`` OCRs every page;
``auto`` and ``hi_res`` (no layout model offline) take each page's text layer when it has one and
OCR the others. pypdfium2 (pdfium ships in its wheel) tells which pages carry text and renders
one page at a time at 300 dpi, so a long scan never holds more than one page image in memory.
OCR'd elements get coordinates in PDF points (PixelSpace, page size as layout size), like the
text-layer elements of the same document.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError
from .pdf import page_ranges, partition_pdf

#: Resolution pages are rendered at for OCR (the recognizer's accuracy drops below ~200 dpi).
RENDER_DPI = 300
#: Pages of one PDF that are OCR'd at most.
MAX_OCR_PAGES = 1000
# metadata the sink sets again when the merged document is finished
_FINISHED_KEYS = ("filename", "filetype", "languages", "last_modified", "parent_id")


def _text_pages(path: Path) -> list[bool] | None:
    """Per page, whether it has a text layer; None when pdfium cannot open the file (pdf.py says why)."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except Exception:
        return None
    try:
        out = []
        for index in range(len(document)):
            page = document[index]
            try:
                textpage = page.get_textpage()
                try:
                    out.append(bool(textpage.get_text_range().strip()))
                finally:
                    textpage.close()
            except Exception:
                out.append(False)
            finally:
                page.close()
        return out
    finally:
        document.close()


def partition_pdf_by_strategy(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a PDF with the settings' strategy (see the module docstring)."""
    has_text = _text_pages(path)
    if has_text is None or not has_text:
        return partition_pdf(path, sink, settings)  # not a PDF pdfium reads, or no pages: pdf.py explains
    scanned = [number for number, text in enumerate(has_text, start=1) if not text]
    strategy = settings.strategy
    if strategy in ("fast", "vlm"):
        if len(scanned) == len(has_text):
            raise FileProcessingError(
                f"{sink.filename}: no text found: the PDF has no text layer (a scan or images of text?), and the "
                "fast strategy reads text layers only. Run it with the strategy auto, hi_res or ocr_only to OCR it"
            )
        elements = partition_pdf(path, sink, settings)
        if scanned:
            sink.warnings[:] = [w for w in sink.warnings if "text layer" not in w]
            sink.warnings.append(
                f"{sink.filename}: page(s) {page_ranges(scanned)} have no text layer (scanned?) and were skipped by the "
                "fast strategy, which reads text layers only; use auto, hi_res or ocr_only to OCR them"
            )
        return elements
    from .image import ocr_language

    language = ocr_language(settings, sink.filename)
    ocr_pages = list(range(1, len(has_text) + 1)) if strategy == "ocr_only" else scanned
    if not ocr_pages:
        return partition_pdf(path, sink, settings)
    by_page: dict[int, list[dict[str, Any]]] = {}
    if len(ocr_pages) < len(has_text):
        text_sink = ElementSink(filename=sink.filename, filetype=sink.filetype)
        plain = dataclasses.replace(settings, include_page_breaks=False, exclude_elements=frozenset())
        for element in partition_pdf(path, text_sink, plain):
            for key in _FINISHED_KEYS:
                element["metadata"].pop(key, None)
            by_page.setdefault(int(element["metadata"].get("page_number") or 1), []).append(element)
        sink.warnings.extend(w for w in text_sink.warnings if "text layer" not in w)
    if len(ocr_pages) > MAX_OCR_PAGES:
        sink.warnings.append(
            f"{sink.filename}: {len(ocr_pages)} pages need OCR; the local engine OCRs the first {MAX_OCR_PAGES}. "
            "Split the file to process the rest."
        )
        ocr_pages = ocr_pages[:MAX_OCR_PAGES]
    for number, elements in _ocr_pages(path, ocr_pages, sink.filename, language):
        by_page[number] = elements
    page_count = len(has_text)
    for number in range(1, page_count + 1):
        sink.elements.extend(by_page.get(number, ()))
        if settings.include_page_breaks and number < page_count:
            sink.add("PageBreak", "", page_number=number)
    if not any(e["type"] != "PageBreak" for e in sink.elements):
        raise FileProcessingError(
            f"{sink.filename}: OCR found no text on the PDF's pages; check that they show text, upright and legible"
        )
    return sink.finish(settings)


def _ocr_pages(path: Path, numbers: list[int], filename: str, language: str) -> Any:
    """Yield ``(page_number, elements)`` for each page OCR'd, one rendered page in memory at a time."""
    import pypdfium2 as pdfium

    from ..ocr.engine import MAX_SIDE, read_lines
    from ..ocr.layout import add_page_elements

    document = pdfium.PdfDocument(str(path))
    try:
        for number in numbers:
            page = document[number - 1]
            try:
                width, height = page.get_size()
                scale = min(RENDER_DPI / 72, MAX_SIDE / max(width, height, 1.0))
                image = page.render(scale=scale).to_pil()
            finally:
                page.close()
            lines, angle = read_lines(image)
            del image
            # coordinates in PDF points, like the text-layer pages
            points = [
                dataclasses.replace(ln, x0=ln.x0 / scale, y0=ln.y0 / scale, x1=ln.x1 / scale, y1=ln.y1 / scale) for ln in lines
            ]
            page_sink = ElementSink(filename=filename, filetype="application/pdf")
            add_page_elements(
                page_sink, points, page_number=number, width=round(width), height=round(height), language=language, angle=angle
            )
            yield number, page_sink.elements
    finally:
        document.close()


__all__ = ["MAX_OCR_PAGES", "RENDER_DPI", "partition_pdf_by_strategy"]
