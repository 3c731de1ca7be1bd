""".xls sheets rendered as the library renders them: xlrd values, then pandas' column rules.

The library reads a sheet with ``pandas.read_excel(header=None, na_values=[""])`` and writes each
table with pandas' HTML formatter (``na_rep=""``). So, as pandas does: integral numbers are ints,
a time-only date is a time, error cells and empty strings are missing; a column of ints with a
gap, or of any non-integral number, is float64, written with six decimals and the trailing zeros
cut evenly down the column (keeping one: ``-100.0``); a column of mixed values writes each as
``str`` (a float with its own zeros cut). Floats are formatted over the whole sheet's column,
where pandas formats each subtable's slice of it: they differ only in how many zeros are cut.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

_MISSING = None
_NUMBER_WITH_DECIMAL = re.compile(r"^\s*[+-]?[0-9]+\.[0-9]*$")
_DIGITS = 6


# xlrd's cell types (xlrd.XL_CELL_*), named here so a cell's test needs no attribute lookup
_EMPTY, _TEXT, _NUMBER, _DATE, _BOOLEAN, _ERROR, _BLANK = range(7)


def cell_value(kind: int, value: Any, datemode: int) -> Any:
    """A cell (xlrd's type and value: ``sheet.row_types``/``row_values``) as pandas' xlrd reader
    gives it (None for missing)."""
    if kind == _TEXT:
        return value if value != "" else _MISSING
    if kind == _NUMBER:
        if math.isfinite(value) and int(value) == value:
            return int(value)
        return value
    if kind == _DATE:
        import xlrd

        try:
            date = xlrd.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return value
        if date.timetuple()[:3] == ((1904, 1, 1) if datemode else (1899, 12, 31)):
            return dt.time(date.hour, date.minute, date.second, date.microsecond)
        return date
    if kind in (_ERROR, _EMPTY, _BLANK):
        return _MISSING
    if kind == _BOOLEAN:
        return bool(value)
    return value if value != "" else _MISSING


def render_columns(rows: list[list[Any]]) -> list[list[str]]:
    """The sheet's rows as the strings pandas writes for them, column by column."""
    width = max((len(row) for row in rows), default=0)
    grid = [row + [_MISSING] * (width - len(row)) for row in rows]
    columns = [_render_column([row[j] for row in grid]) for j in range(width)]
    return [[columns[j][i] for j in range(width)] for i in range(len(grid))]


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _render_column(values: list[Any]) -> list[str]:
    present = [v for v in values if v is not _MISSING]
    if not present:
        return [""] * len(values)
    if all(_is_number(v) for v in present):
        if len(present) == len(values) and all(isinstance(v, int) for v in present):
            return [str(v) for v in values]  # int64
        return _float64(values)
    if all(isinstance(v, dt.datetime) for v in present):
        midnight = all(v.time() == dt.time() for v in present)
        return ["" if v is _MISSING else v.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S") for v in values]
    # (a string, most cells of such a column, is its own text: no call)
    return ["" if v is _MISSING else v if type(v) is str else _object(v) for v in values]


def _object(value: Any) -> str:
    if isinstance(value, float):
        # _trim_zeros of one string: its trailing zeros cut, one kept after the point
        text = f"{value:.{_DIGITS}f}"
        if _NUMBER_WITH_DECIMAL.match(text):
            text = text.rstrip("0")
            return text + "0" if text.endswith(".") else text
        return text
    return str(value)


def _float64(values: list[Any]) -> list[str]:
    numbers = [float(v) for v in values if v is not _MISSING]
    fixed = ["" if v is _MISSING else f"{float(v):.{_DIGITS}f}" for v in values]
    fixed = _trim_zeros(fixed)
    magnitudes = [abs(v) for v in numbers]
    too_long = max(len(s) for s in fixed) > _DIGITS + 6
    small = any(0 < m < 10**-_DIGITS for m in magnitudes)
    if small or (too_long and any(m > 1e6 for m in magnitudes)):
        return ["" if v is _MISSING else f"{float(v):.{_DIGITS}e}" for v in values]
    return fixed


def _trim_zeros(strings: list[str]) -> list[str]:
    """pandas' ``_trim_zeros_float``: cut trailing zeros while every number ends in one, keep ``.0``."""
    numbered = [bool(_NUMBER_WITH_DECIMAL.match(s)) for s in strings]
    if not any(numbered):
        return strings
    while all(s.endswith("0") for s, n in zip(strings, numbered, strict=True) if n):
        strings = [s[:-1] if n else s for s, n in zip(strings, numbered, strict=True)]
    return [s + "0" if n and s.endswith(".") else s for s, n in zip(strings, numbered, strict=True)]
