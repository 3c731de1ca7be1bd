"""Pages drawn one at a time: PDFs through pypdfium2, images as they are, hostile files refused with a sentence."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from unstructured_nb.render.page_images import MAX_PIXELS, MAX_WIDTH, PagesError, open_pages, page_kind

from .pdfs import make_image, make_pdf


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pages") / "three.pdf"
    make_pdf(path, pages=3)
    return path


def test_a_pdf_has_its_pages_and_draws_the_one_asked(pdf):
    pages = open_pages(pdf, pdf.name)
    assert pages.page_count == 3 and pages.size(2) == (612.0, 792.0)
    drawn = pages.render(2, 800)
    assert drawn.width == 800 and abs(drawn.height - 800 * 792 / 612) <= 1
    image = Image.open(io.BytesIO(drawn.data))
    assert image.size == (drawn.width, drawn.height) and drawn.mime == "image/png"
    assert image.convert("L").getextrema()[0] < 100  # there is ink
    with pytest.raises(PagesError, match="no page 4"):
        pages.render(4, 800)
    pages.close()


def test_pdf_bytes_work_like_a_path(pdf):
    pages = open_pages(pdf.read_bytes(), "three.pdf")
    assert pages.page_count == 3 and pages.render(1, 400).width == 400


def test_the_drawn_size_is_bounded(pdf):
    pages = open_pages(pdf, pdf.name)
    assert pages.render(1, 100_000).width == MAX_WIDTH
    assert pages.render(1, 1).width >= 200


def test_a_very_tall_page_is_drawn_narrower(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "tall.pdf"
    c = canvas.Canvas(str(path), pagesize=(200, 14000))
    c.drawString(10, 10, "bottom")
    c.showPage()
    c.save()
    drawn = open_pages(path, "tall.pdf").render(1, 2000)
    assert drawn.width * drawn.height <= MAX_PIXELS * 1.01


def test_an_image_is_sent_as_it_is(tmp_path):
    path = tmp_path / "scan.png"
    make_image(path)
    pages = open_pages(path, "scan.png")
    assert pages.page_count == 1 and pages.size(1) == (800.0, 600.0)
    drawn = pages.render(1, 1200)
    assert drawn.data == path.read_bytes() and drawn.mime == "image/png"


def test_a_tiff_gives_its_frames_as_pages(tmp_path):
    path = tmp_path / "pages.tiff"
    frames = [Image.new("RGB", (300, 400), colour) for colour in ("white", "black")]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    pages = open_pages(path, "pages.tiff")
    assert pages.page_count == 2
    second = Image.open(io.BytesIO(pages.render(2, 300).data))
    assert second.convert("L").getextrema() == (0, 0)


def test_an_image_turned_by_exif_is_measured_upright(tmp_path):
    path = tmp_path / "turned.jpg"
    image = Image.new("RGB", (400, 200), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90° to show
    image.save(path, exif=exif)
    assert open_pages(path, "turned.jpg").size(1) == (200.0, 400.0)


def test_documents_without_pages_and_damaged_files(tmp_path):
    assert open_pages(b"# just markdown", "notes.md") is None
    assert page_kind("x.docx") is None and page_kind("x.PDF") == "pdf" and page_kind("x", b"%PDF-1.7") == "pdf"
    with pytest.raises(PagesError, match="cannot be opened as a PDF"):
        open_pages(b"%PDF-1.4 garbage that is not a pdf", "broken.pdf")
    with pytest.raises(PagesError, match="cannot be read as an image"):
        open_pages(b"\x89PNG\r\n\x1a\nnot really", "broken.png")
    with pytest.raises(PagesError, match="cannot be read"):
        open_pages(tmp_path / "missing.pdf", "missing.pdf")
