"""pdf_chars: the characters and figure texts pdfminer.six's interpreter gives, without pdfminer's page objects."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from unstructured_nb.local.partition.pdf_chars import figure_text, pdfminer_pages

CORPUS = Path(__file__).parent / "pdf_corpus"


def _pdfminer_objects(path: Path) -> list[list[object]]:
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)  # no analysis: the objects as drawn
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    with open(path, "rb") as handle:
        for page in PDFPage.get_pages(handle):
            interpreter.process_page(page)
            pages.append(list(device.get_result()))
    return pages


def test_characters_are_pdfminers_ltchars_text_and_box() -> None:
    # a LaTeX document with ligatures, math and symbol fonts: every character as LTChar has it
    path = CORPUS / "amsldoc-p1-8.pdf"
    for page, objects in zip(pdfminer_pages(path), _pdfminer_objects(path), strict=True):
        assert page is not None
        want = [(*obj.bbox, obj.get_text()) for obj in objects if isinstance(obj, LTChar)]
        assert page[0] == want


@pytest.mark.slow
def test_figure_text_is_the_figures_characters_as_drawn_with_a_break_for_each_graphic() -> None:
    path = CORPUS / "geobase-data-model.pdf"  # a UML diagram: its labels are in form XObjects
    found = 0
    for page, objects in zip(pdfminer_pages(path), _pdfminer_objects(path), strict=True):
        assert page is not None
        want = [(figure_text(obj), tuple(obj.bbox)) for obj in objects if not isinstance(obj, LTChar) and hasattr(obj, "name")]
        assert page[1] == want
        found += sum(bool(text.strip()) for text, _ in page[1])
    assert found >= 10
    assert "Hydro Network" in "".join(text for page in pdfminer_pages(path) if page for text, _ in page[1])


def test_a_file_pdfminer_cannot_parse_yields_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    assert list(pdfminer_pages(broken)) == []
