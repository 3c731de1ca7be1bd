"""The opt-in Tesseract path: TSV words grouped into lines, a clear error when it is not installed, a real page."""

from __future__ import annotations

import pytest

from tests.local.ocr.pages import cer, make_page
from unstructured_nb.local.ocr import tesseract
from unstructured_nb.local.ocr.engine import Line, read_lines
from unstructured_nb.local.ocr.models import ENV_ENGINE, OcrSettings, default_settings
from unstructured_nb.local.partition._errors import FileProcessingError

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def test_words_are_grouped_by_block_paragraph_and_line_left_to_right() -> None:
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t2550\t3300\t-1\t",
        "5\t1\t1\t1\t1\t2\t300\t100\t120\t40\t90.0\tworld",
        "5\t1\t1\t1\t1\t1\t100\t102\t150\t40\t80.0\tHello",
        "5\t1\t1\t1\t2\t1\t100\t160\t90\t40\t70.0\tnext",
        "5\t1\t1\t1\t2\t2\t200\t160\t10\t40\t-1\t ",  # an empty word: skipped
        "5\t1\t2\t1\t1\t1\t1300\t100\t200\tbad\t50\tskipped",  # a malformed row
    ]
    lines = tesseract.group_words("\n".join([HEADER, *rows]), Line)
    assert [(ln.text, ln.x0, ln.y0, ln.x1, ln.y1) for ln in lines] == [
        ("Hello world", 100, 100, 420, 142),
        ("next", 100, 160, 190, 200),
    ]
    assert lines[0].score == pytest.approx(0.85)


def test_the_engine_is_chosen_by_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_ENGINE, "Tesseract")
    assert default_settings().engine == "tesseract"
    monkeypatch.setenv(ENV_ENGINE, "something else")
    assert default_settings().engine == "pp-ocr"


def test_missing_tesseract_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tesseract.shutil, "which", lambda name: None)
    with pytest.raises(FileProcessingError, match=r"apt-get install tesseract-ocr.*unset UNSTRUCTURED_NB_OCR_ENGINE"):
        read_lines(make_page(7).image.crop((0, 0, 900, 400)), OcrSettings(engine="tesseract"))


@pytest.mark.slow
@pytest.mark.skipif(not tesseract.available(), reason="tesseract is not installed")
def test_a_page_read_by_tesseract_goes_through_our_layout() -> None:
    from unstructured_nb.local.ocr.layout import add_page_elements
    from unstructured_nb.local.partition._common import ElementSink

    page = make_page(11, layout="columns")
    lines, angle = read_lines(page.image, OcrSettings(engine="tesseract"))
    sink = ElementSink(filename="scan.png", filetype="image/png")
    add_page_elements(sink, lines, page_number=1, width=page.image.width, height=page.image.height, angle=angle)
    text = "\n".join(e["text"] for e in sink.elements)
    # the columns read one after the other (the bare CLI interleaves the list with them: ~20% CER)
    assert cer(page.text, text) < 0.05
    assert sink.elements[0]["type"] == "Title"
