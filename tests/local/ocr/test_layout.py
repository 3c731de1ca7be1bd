"""OCR layout: line pieces joined, paragraphs told apart by their own line pitch, columns kept apart."""

from __future__ import annotations

from unstructured_nb.local.ocr.engine import Line
from unstructured_nb.local.ocr.layout import group_blocks, merge_lines


def _line(text: str, x0: float, y0: float, x1: float, height: float) -> Line:
    return Line(text, x0, y0, x1, y0 + height, 0.99)


def test_pieces_of_one_line_are_joined_across_a_word_gap() -> None:
    merged = merge_lines([_line("first half", 100, 100, 600, 50), _line("second half", 625, 101, 1200, 50)])
    assert [m.text for m in merged] == ["first half second half"]


def test_two_columns_a_gutter_apart_are_not_one_line() -> None:
    # a 100 px gutter between columns of 50 px lines (two line-heights would have joined them)
    merged = merge_lines([_line("left column", 100, 100, 1000, 50), _line("right column", 1090, 100, 2000, 50)])
    assert [m.text for m in merged] == ["left column", "right column"]


def test_paragraphs_split_by_the_block_pitch_even_with_tall_boxes() -> None:
    # boxes taller than the line pitch (a coarse detector map: 65 px boxes, 52 px pitch), a blank
    # line between the paragraphs: the gap between the boxes alone (39 px) reads as one paragraph
    lines = [_line(f"para one line {n}", 100, 100 + 52 * n, 2000, 65) for n in range(3)]
    lines += [_line(f"para two line {n}", 100, 100 + 52 * 4 + 52 * n, 2000, 65) for n in range(2)]
    blocks = group_blocks(lines)
    assert [b.text() for b in blocks] == [
        "para one line 0 para one line 1 para one line 2",
        "para two line 0 para two line 1",
    ]


def test_a_paragraph_with_even_spacing_stays_one_block() -> None:
    lines = [_line(f"line {n}", 100, 100 + 60 * n, 1800 - 10 * n, 45) for n in range(6)]
    assert len(group_blocks(lines)) == 1
