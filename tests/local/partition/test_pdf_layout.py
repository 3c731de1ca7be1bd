"""pdf_layout groups characters as pdfminer.six's LTLayoutContainer.analyze does (default LAParams).

Differential on real corpus pages: the characters pdf_chars collects, grouped by pdf_layout, give
exactly the boxes (text and bbox) pdfminer's own analysis gives on the same pages; the box order
is pdfminer's up to equal-distance ties (which pdfminer breaks by memory address). Plus small
hand-made pages for the rules one at a time.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTPage
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from unstructured_nb.local.partition.pdf_chars import pdfminer_pages
from unstructured_nb.local.partition.pdf_layout import MAX_GROUPED_BOXES, WORD_MARGIN, Char, analyze

CORPUS = Path(__file__).parent / "pdf_corpus"
PAGE = (0.0, 0.0, 612.0, 792.0)


def _pdfminer_layouts(path: Path) -> list[LTPage]:
    manager = PDFResourceManager(caching=True)
    # the library's parameters: pdfminer's defaults but for its word margin
    device = PDFPageAggregator(manager, laparams=LAParams(word_margin=WORD_MARGIN))
    interpreter = PDFPageInterpreter(manager, device)
    layouts = []
    with open(path, "rb") as handle:
        for page in PDFPage.get_pages(handle):
            interpreter.process_page(page)
            layouts.append(device.get_result())
    return layouts


def _boxes(layout: LTPage) -> list[tuple[str, tuple[float, ...]]]:
    return [(obj.get_text(), tuple(obj.bbox)) for obj in layout if hasattr(obj, "get_text") and hasattr(obj, "index")]


_NO_TIES = {"crazyones.pdf", "multicolumn.pdf", "sandwich.pdf"}


@pytest.mark.parametrize(
    "name",
    [
        "crazyones.pdf",
        "multicolumn.pdf",
        "sandwich.pdf",
        pytest.param("census-12s0324.pdf", marks=pytest.mark.slow),
        pytest.param("lppl.pdf", marks=pytest.mark.slow),
        pytest.param("tugboat-babelbib.pdf", marks=pytest.mark.slow),
    ],
)
def test_same_boxes_as_pdfminer_on_real_pages(name: str) -> None:
    path = CORPUS / name
    expected = _pdfminer_layouts(path)
    pages = list(pdfminer_pages(path))
    assert len(pages) == len(expected)
    same_order = 0
    for page, layout in zip(pages, expected, strict=True):
        assert page is not None
        chars, _, bbox = page
        boxes, _ = analyze(chars, bbox)
        want = _boxes(layout)
        assert sorted(boxes) == sorted(want)  # every box, text and bbox to the last digit
        same_order += boxes == want
    # The order is compared where pdfminer's own order is deterministic: on pages with boxes at
    # equal distances (code listings in the slow ones) pdfminer breaks the tie by memory address,
    # so its order changes from run to run and only the boxes themselves can be compared.
    if name in _NO_TIES:
        assert same_order == len(pages)


def _word(x: float, y: float, text: str, size: float = 10.0, advance: float = 5.0) -> list[Char]:
    return [(x + i * advance, y, x + (i + 1) * advance, y + size, ch) for i, ch in enumerate(text)]


def test_a_gap_wider_than_the_word_margin_is_a_space_and_far_apart_words_are_two_lines() -> None:
    chars = [*_word(100, 700, "ab"), *_word(112, 700, "cd"), *_word(400, 700, "far")]
    boxes, empties = analyze(chars, PAGE)
    assert sorted(text for text, _ in boxes) == ["ab cd\n", "far\n"]
    assert empties == []


def test_lines_close_together_and_aligned_make_one_box_top_line_first() -> None:
    chars = [*_word(100, 688, "second"), *_word(100, 700, "first"), *_word(100, 500, "alone")]
    boxes, _ = analyze(chars, PAGE)
    texts = [text for text, _ in boxes]
    assert "first\nsecond\n" in texts and "alone\n" in texts
    first = next(bbox for text, bbox in boxes if text.startswith("first"))
    assert first == (100, 688, 130, 710)


def test_reading_order_is_top_left_first() -> None:
    chars = [*_word(100, 300, "bottom"), *_word(100, 700, "top")]
    boxes, _ = analyze(chars, PAGE)
    assert [text for text, _ in boxes] == ["top\n", "bottom\n"]


def test_zero_height_and_space_only_lines_are_set_aside() -> None:
    flat: list[Char] = [(100, 700, 105, 700, "x")]
    spaces = _word(300, 500, "  ")
    boxes, empties = analyze([*flat, *spaces], PAGE)
    assert boxes == []
    assert [text for text, _ in empties] == ["x\n", "  \n"]


def test_no_characters() -> None:
    assert analyze([], PAGE) == ([], [])


def test_a_page_with_very_many_boxes_is_ordered_top_to_bottom_without_the_quadratic_grouping() -> None:
    # a grid of 30 x 25 one-word cells, far apart: 750 boxes, more than the pairwise grouping takes
    chars = [ch for row in range(30) for col in range(25) for ch in _word(10 + col * 24, 770 - row * 25, "ab")]
    boxes, _ = analyze(chars, PAGE)
    assert len(boxes) == 750 > MAX_GROUPED_BOXES
    tops = [bbox[1] for _, bbox in boxes]
    assert tops == sorted(tops, reverse=True)
    assert boxes[0][1] == (10, 770, 20, 780) and boxes[1][1] == (34, 770, 44, 780)
