"""The library's XY-cut reading order (pdf_xycut): columns first, rows within a column."""

from __future__ import annotations

from unstructured_nb.local.partition.pdf_xycut import reading_order


def test_two_columns_are_read_one_after_the_other() -> None:
    # basic top-left order interleaves the columns; XY-cut reads the left column first
    boxes = [(50.0, 100.0, 250.0, 120.0), (320.0, 100.0, 550.0, 120.0), (50.0, 130.0, 250.0, 150.0), (320.0, 130.0, 550.0, 150.0)]
    assert reading_order(boxes) == [0, 2, 1, 3]


def test_a_full_width_title_splits_the_page_into_rows() -> None:
    boxes = [(50.0, 40.0, 550.0, 60.0), (50.0, 100.0, 250.0, 120.0), (320.0, 100.0, 550.0, 120.0)]
    # the title spans both columns, so the first cut is by row and the title comes first
    assert reading_order(boxes)[0] == 0


def test_negative_coordinates_keep_the_basic_order() -> None:
    boxes = [(-5.0, 10.0, 100.0, 20.0), (300.0, 5.0, 400.0, 15.0)]
    assert reading_order(boxes) == [0, 1]


def test_empty_page() -> None:
    assert reading_order([]) == []
