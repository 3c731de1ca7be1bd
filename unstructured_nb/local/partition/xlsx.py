"""Excel (.xlsx) workbooks: one page per sheet, each block of non-empty rows a Table.

A fast reader (regex scans of plain XML or lxml, see ``_xlsx_reader``) with openpyxl as the
fallback; ``page_name`` per sheet; single-cell rows above or below a block (a caption or a
heading) become their own elements, as the library's subtable detection does.
"""

from __future__ import annotations

import zipfile
from itertools import repeat
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings, gc_paused
from ._errors import FileProcessingError
from ._lang import detect_languages
from ._ooxml import SPACES as _SPACES
from ._ooxml import check_zip, open_package_error
from ._text_type import (
    classify,
)
from ._xls_frame import cell_value, render_columns


def partition_xlsx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an Excel workbook, one page per sheet."""
    check_zip(path, sink.filename, ".xlsx")
    with gc_paused():  # a sheet's rows: many small lists, no cycles (see gc_paused)
        return _partition_xlsx(path, sink, settings)


def partition_xls(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition an Excel 97-2003 workbook (.xls), read by xlrd: what the library's pandas uses for .xls."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except (xlrd.XLRDError, ValueError, OSError, AssertionError, IndexError, KeyError) as exc:
        raise FileProcessingError(
            f"{sink.filename} is not a readable Excel 97-2003 workbook ({type(exc).__name__}: {str(exc)[:120]}); "
            "check that it is not corrupt or password-protected, or save it as .xlsx"
        ) from None
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            datemode = repeat(book.datemode)
            values = [list(map(cell_value, sheet.row_types(i), sheet.row_values(i), datemode)) for i in range(sheet.nrows)]
            # pandas' rendering (see _xls_frame), then cells stripped as the library's HTML table text is
            rows = ((i, [c.strip() for c in row]) for i, row in enumerate(render_columns(values), start=1))
            sheets.append((sheet.name, _blocks(rows)))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    with gc_paused():
        return _partition_sheets(sheets, sink, settings)


def _partition_xlsx(path: Path, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    try:
        sheets = _read_sheets_fast(path)
    except FileProcessingError:
        raise
    except Exception:
        sheets = _read_sheets_openpyxl(path, sink.filename)
    return _partition_sheets(sheets, sink, settings)


def _partition_sheets(
    sheets: list[tuple[str, list[list[list[str]]]]], sink: ElementSink, settings: PartitionSettings
) -> list[dict[str, Any]]:
    language = "eng"
    for number, (name, blocks) in enumerate(sheets, start=1):
        if number == 1:
            language = detect_languages(_language_sample(blocks[:50]))[0]
        meta = {"page_number": number, "page_name": name}
        for block in blocks:
            _add_block(block, sink, language, meta)
        if settings.include_page_breaks and number < len(sheets):
            sink.add("PageBreak", "", **meta)
    return sink.finish(settings)


def _read_sheets_fast(path: Path) -> list[tuple[str, list[list[list[str]]]]]:
    from ._xlsx_reader import XlsxReader

    with open(path, "rb") as handle:
        reader = XlsxReader(handle)
        if not reader.sheets:
            raise ValueError("no worksheets found")
        return [(name, _blocks(reader.iter_rows(sheet_path))) for name, sheet_path in reader.sheets]


def _read_sheets_openpyxl(path: Path, filename: str) -> list[tuple[str, list[list[list[str]]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # a file object: openpyxl refuses paths whose name does not end in .xlsx (uploads have other names)
    with open(path, "rb") as handle:
        try:
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (KeyError, ValueError, OSError, zipfile.BadZipFile, TypeError, InvalidFileException) as exc:
            raise open_package_error(filename, ".xlsx", exc) from None
        try:
            return [
                (
                    sheet.title,
                    _blocks(
                        (i, [_cell_text(v) for v in values])
                        for i, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                    ),
                )
                for sheet in workbook.worksheets
            ]
        finally:
            workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return _SPACES.sub(" ", str(value)).strip()


def _language_sample(blocks: list[list[list[str]]], limit: int = 20_000) -> str:
    """The first ``limit`` characters of the blocks' non-empty cells joined by spaces; stops
    reading rows once it has them (a sheet's first block can hold the whole sheet)."""
    parts: list[str] = []
    size = 0
    for block in blocks:
        for row in block:
            text = " ".join(filter(None, row))
            if text:
                parts.append(text)
                size += len(text) + 1
                if size > limit:
                    return " ".join(parts)[:limit]
    return " ".join(parts)[:limit]


def _blocks(rows: Any) -> list[list[list[str]]]:
    """The library's subtables: its connected components of non-empty cells (4-neighbour),
    merged where their rows overlap, each trimmed to its used columns.

    Two consecutive non-empty rows belong to the same subtable exactly when some column is
    filled in both (a component spanning them must cross there), so a block ends at an empty
    row (a skipped row number is one) or where no column links a row to the one above.
    """
    blocks: list[list[list[str]]] = []
    current: list[list[str]] = []
    previous = 0
    for number, row in rows:
        filled = any(row)
        if current and (number > previous + 1 or not filled or not _linked(current[-1], row)):
            blocks.append(current)
            current = []
        if filled:
            current.append(row)
        previous = number
    if current:
        blocks.append(current)
    return [_trim(block) for block in blocks]


def _linked(above: list[str], row: list[str]) -> bool:
    """Whether some column has a non-empty cell in both rows."""
    return any(a and b for a, b in zip(above, row, strict=False))


def _trim(block: list[list[str]]) -> list[list[str]]:
    """The block's rows cut to the columns any of them uses, padded to the same width. Rows
    that already fit (the common case: a table starting in the first column) are kept as they
    are instead of copied; every row has a non-empty cell."""
    lo, hi = len(block[0]), 0
    for row in block:
        if lo:
            first = 0
            while not row[first]:
                first += 1
            lo = min(lo, first)
        last = len(row)
        while not row[last - 1]:
            last -= 1
        hi = max(hi, last)
    width = hi - lo
    if lo == 0 and all(len(row) == width for row in block):
        return block
    return [(row[lo:hi] + [""] * width)[:width] for row in block]


def _add_block(block: list[list[str]], sink: ElementSink, language: str, meta: dict[str, Any]) -> None:
    def single(row: list[str]) -> str | None:
        cells = [c for c in row if c]
        return cells[0] if len(cells) == 1 else None

    # rows that are not a single cell (counting empty cells is cheaper than collecting full ones)
    multi = [i for i, row in enumerate(block) if len(row) - row.count("") != 1]
    if not multi:
        # every row a single cell: no core table, each cell is text (the library's "leading" rows)
        for row in block:
            type_, clean = classify(single(row) or "", language)
            sink.add(type_, clean, **meta)
        return
    # single-cell rows above or below the table (a caption or heading) are text, as in the library
    start, end = multi[0], multi[-1] + 1
    for row in block[:start]:
        type_, clean = classify(single(row) or "", language)
        sink.add(type_, clean, **meta)
    sink.add_table(block[start:end], **meta)
    for row in block[end:]:
        type_, clean = classify(single(row) or "", language)
        sink.add(type_, clean, **meta)
