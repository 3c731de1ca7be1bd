"""PDFs by strategy: the text layer (pdf.py) where a page has one, OCR where it has not, page by page.

``fast`` reads text layers only and says which pages had none; ``ocr_only`` OCRs every page;
``auto`` and ``hi_res`` (no layout model offline) take each page's text layer when it has one and
OCR the others. The text layer is read once (``pdf.read_text_layer``), which also tells which pages
have none; pypdfium2 (pdfium ships in its wheel) renders only the pages to OCR, one at a time at
300 dpi, so a long scan never holds more than one page image in memory.
OCR'd elements get coordinates in PDF points (PixelSpace, page size as layout size), like the
text-layer elements of the same document.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError
from .pdf import add_text_elements, partition_pdf, read_text_layer

#: Resolution pages are rendered at for OCR (the recognizer's accuracy drops below ~200 dpi).
RENDER_DPI = 300
#: Pages of one PDF that are OCR'd at most.
MAX_OCR_PAGES = 1000


def partition_pdf_by_strategy(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition a PDF with the settings' strategy (see the module docstring)."""
    layer = read_text_layer(path, sink.filename)  # one pass: which pages have text, and their elements
    strategy = settings.strategy
    if strategy in ("fast", "vlm"):
        return partition_pdf(path, sink, settings, layer)  # says which pages had no text layer
    from .image import ocr_language

    language = ocr_language(settings, sink.filename)
    page_count = len(layer.pages)
    ocr_pages = list(range(1, page_count + 1)) if strategy == "ocr_only" else layer.empty_pages
    if not ocr_pages:
        return partition_pdf(path, sink, settings, layer)
    by_page: dict[int, list[dict[str, Any]]] = {}
    if len(ocr_pages) < page_count:
        text_sink = ElementSink(filename=sink.filename, filetype=sink.filetype)
        add_text_elements(layer, text_sink, dataclasses.replace(settings, include_page_breaks=False))
        for element in text_sink.elements:
            by_page.setdefault(int(element["metadata"].get("page_number") or 1), []).append(element)
        failed = layer.failed_warning(sink.filename)
        if failed:
            sink.warnings.append(failed)
    del layer  # the text pages' boxes are elements now
    if len(ocr_pages) > MAX_OCR_PAGES:
        sink.warnings.append(
            f"{sink.filename}: {len(ocr_pages)} pages need OCR; the local engine OCRs the first {MAX_OCR_PAGES}. "
            "Split the file to process the rest."
        )
        ocr_pages = ocr_pages[:MAX_OCR_PAGES]
    for number, elements in _ocr_pages(path, ocr_pages, sink.filename, language):
        by_page[number] = elements
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
