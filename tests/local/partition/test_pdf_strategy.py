"""PDFs by strategy: image-only and mixed (text pages + scanned pages) through fast, auto, hi_res and ocr_only."""

from __future__ import annotations

from pathlib import Path

import pytest

from unstructured_nb.local.nodes import run_node
from unstructured_nb.local.partition import FileProcessingError

from ..ocr.pages import Page, cer, make_page


def run(path: Path, **settings: object) -> tuple[list[dict], list[str]]:
    out = run_node({"type": "partition", "subtype": "unstructured_api", "settings": settings}, path, filename=path.name)
    return out.elements, out.warnings


def top(page: Page) -> tuple[object, str]:
    """The page's title and first paragraph (a short scan keeps the tests quick), and their text."""
    crop = page.image.crop((0, 0, page.image.width, page.blocks[1].bottom + 5))
    return crop, "\n".join(b.text for b in page.blocks[:2])


def text_on(elements: list[dict], number: int) -> str:
    return "\n".join(e["text"] for e in elements if e["metadata"]["page_number"] == number)


def mixed_pdf(path: Path, scan: object) -> Path:
    """Page 1 and 3 with a text layer, page 2 a scanned image only."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter)
    for number in (1, 2, 3):
        if number == 2:
            _, height = scan.size  # type: ignore[attr-defined]  # a PIL image
            c.drawImage(ImageReader(scan), 0, 792 - height * 72 / 300, width=612, height=height * 72 / 300)
        else:
            c.setFont("Helvetica-Bold", 18)
            c.drawString(72, 720, f"Chapter {number} Overview")
            c.setFont("Helvetica", 10)
            c.drawString(72, 690, "The company reported strong results for the quarter and the team expects growth.")
        c.showPage()
    c.save()
    return path


@pytest.mark.slow
def test_image_only_pdf(tmp_path: Path) -> None:
    (first, first_text), (second, second_text) = top(make_page(11)), top(make_page(12))
    path = tmp_path / "scan.pdf"
    first.save(path, save_all=True, append_images=[second], resolution=300)  # type: ignore[attr-defined]
    elements, _ = run(path, strategy="auto")
    # Pillow stores the pages as JPEG inside the PDF: the degraded bound applies
    assert cer(first_text, text_on(elements, 1)) <= 0.05
    assert cer(second_text, text_on(elements, 2)) <= 0.05
    assert elements[0]["type"] == "Title"
    coords = elements[0]["metadata"]["coordinates"]
    assert coords["system"] == "PixelSpace" and coords["layout_width"] == 612  # PDF points, like text pages
    assert all(e["metadata"]["filetype"] == "application/pdf" for e in elements)
    with pytest.raises(FileProcessingError, match=r"scan\.pdf: no text found: the PDF has no text layer.*ocr_only"):
        run(path, strategy="fast")


@pytest.mark.slow
def test_mixed_pdf_by_strategy(tmp_path: Path) -> None:
    scan, scan_text = top(make_page(13))
    path = mixed_pdf(tmp_path / "mixed.pdf", scan)

    fast, fast_warnings = run(path, strategy="fast")
    assert {e["metadata"]["page_number"] for e in fast} == {1, 3}
    assert any("page(s) 2 have no text layer" in w and "fast strategy" in w for w in fast_warnings)

    auto, auto_warnings = run(path, strategy="auto", include_page_breaks=True)
    pages = [e["metadata"]["page_number"] for e in auto]
    assert pages == sorted(pages) and set(pages) == {1, 2, 3}
    assert [e["type"] for e in auto].count("PageBreak") == 2
    assert text_on(auto, 1).startswith("Chapter 1 Overview")  # the text layer, exactly
    assert cer(scan_text, text_on(auto, 2)) <= 0.02
    assert not any("text layer" in w for w in auto_warnings)
    ids = [e["element_id"] for e in auto]
    assert len(set(ids)) == len(ids)

    hi_res, hi_res_warnings = run(path, strategy="hi_res")
    assert [e["text"] for e in hi_res] == [e["text"] for e in auto if e["type"] != "PageBreak"]
    assert any("hi_res ran as text layer + OCR" in w for w in hi_res_warnings)

    ocr, _ = run(path, strategy="ocr_only")
    assert cer("Chapter 1 Overview", text_on(ocr, 1).split("\n")[0]) <= 0.1  # read from pixels this time
    assert cer(scan_text, text_on(ocr, 2)) <= 0.02


def test_unsupported_language_on_a_scanned_pdf(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "blank.pdf"
    Image.new("L", (850, 1100), 255).save(path, resolution=100)
    with pytest.raises(FileProcessingError, match=r"OCR language\(s\) 'deu' are not available"):
        run(path, strategy="ocr_only", languages=["deu"])
