"""Excel subtables as the library finds them (unstructured 0.27.35, ``partition_xlsx``).

The expected elements were checked against the library on the same workbook: its subtables are
4-neighbour connected components of non-empty cells merged where their rows overlap, and leading
or trailing single-cell rows of a subtable are text, not table rows.
"""

from __future__ import annotations

from pathlib import Path

from unstructured_nb.local.nodes import run_node


def partition(path: Path) -> list[tuple[str, str]]:
    node = {"type": "partition", "subtype": "unstructured_api", "settings": {}}
    return [(e["type"], e["text"]) for e in run_node(node, path, filename=path.name).elements]


def test_subtables_split_where_no_column_links_two_rows(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in (
        ["Quarterly figures"],
        ["region", "q1", "q2"],
        ["north", 10, 11],
        ["south", 12, 13],
        [None, None, None, "Source: internal ledger"],  # touches the table only diagonally
        [],
        ["Notes"],
        ["first remark"],
        ["second remark"],
        [],
        ["a", "b"],
        [None, None, "c", "d"],  # a row below, no shared column: its own subtable
    ):
        sheet.append(row)
    workbook.save(tmp_path / "book.xlsx")
    assert partition(tmp_path / "book.xlsx") == [
        ("Title", "Quarterly figures"),
        ("Table", "region q1 q2 north 10 11 south 12 13"),
        ("Title", "Source: internal ledger"),
        ("Title", "Notes"),  # a column of single cells is no table: each is text
        ("Title", "first remark"),
        ("Title", "second remark"),
        ("Table", "a b"),
        ("Table", "c d"),
    ]


def test_xls_cells_are_written_as_pandas_writes_them() -> None:
    from unstructured_nb.local.partition._xls_frame import render_columns

    rows = [
        ["name", 0.2000099999999918, -100, 3],
        ["b", 3.3499999999999943, None, 4],
        ["c", 12.5, 7, 5],
    ]
    # what pandas' HTML formatter writes for the same frame (checked with pandas): float64 columns
    # get six decimals with the zeros cut evenly down the column, one kept; ints with a gap are float64
    assert render_columns(rows) == [
        ["name", "0.20001", "-100.0", "3"],
        ["b", "3.35000", "", "4"],
        ["c", "12.50000", "7.0", "5"],
    ]


def test_a_mixed_column_float_is_written_as_pandas_trims_it() -> None:
    import random

    from unstructured_nb.local.partition import _xls_frame

    rng = random.Random(3)
    values = [0.0, -0.0, 1.5, -100.0, 1e-7, 1e20, float("inf"), float("nan"), 0.1 + 0.2]
    values += [rng.random() * 10 ** rng.randint(-8, 12) * rng.choice((1, -1)) for _ in range(5000)]
    for value in values:
        assert _xls_frame.render_columns([["text"], [value]])[1][0] == _xls_frame._trim_zeros([f"{value:.6f}"])[0]
