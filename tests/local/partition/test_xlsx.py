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


def test_xls_cells_from_row_types_and_values_equal_xlrd_cells() -> None:
    # the cell types are xlrd's constants, and reading a row's types and values gives what its
    # Cell objects hold, on every .xls of the corpus
    import xlrd

    from unstructured_nb.local.partition import _xls_frame

    assert [_xls_frame._EMPTY, _xls_frame._TEXT, _xls_frame._NUMBER, _xls_frame._DATE] == [
        xlrd.XL_CELL_EMPTY,
        xlrd.XL_CELL_TEXT,
        xlrd.XL_CELL_NUMBER,
        xlrd.XL_CELL_DATE,
    ]
    assert [_xls_frame._BOOLEAN, _xls_frame._ERROR, _xls_frame._BLANK] == [
        xlrd.XL_CELL_BOOLEAN,
        xlrd.XL_CELL_ERROR,
        xlrd.XL_CELL_BLANK,
    ]
    files = sorted((Path(__file__).parent / "corpus" / "xls").glob("*.xls"))
    assert files
    kinds = set()
    for path in files:
        book = xlrd.open_workbook(str(path), on_demand=True)
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            for i in range(sheet.nrows):
                cells = sheet.row(i)
                kinds.update(c.ctype for c in cells)
                assert list(sheet.row_types(i)) == [c.ctype for c in cells]
                assert list(sheet.row_values(i)) == [c.value for c in cells]
        book.release_resources()
    assert {xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE, xlrd.XL_CELL_EMPTY} <= kinds
