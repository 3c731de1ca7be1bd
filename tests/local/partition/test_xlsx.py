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
