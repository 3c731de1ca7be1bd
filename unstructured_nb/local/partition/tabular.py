"""Delimited tables (.csv/.tsv): the whole file is one Table element, like the library's.

The library reads the file with pandas (no header row) and emits a single Table whose text is
the cells joined by spaces and whose ``text_as_html`` holds every row as ``<td>`` cells. We do the
same with the stdlib ``csv`` module, padding ragged rows so the HTML stays rectangular.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from ._common import ElementSink, PartitionSettings, gc_paused
from ._errors import FileProcessingError

csv.field_size_limit(64 * 1024 * 1024)


def _sniff_delimiter(text: str) -> str:
    # whole lines only: a sample cut mid-line confuses the sniffer
    lines = text[:64_000].splitlines()[:50]
    sample = "\n".join(lines[:-1] if len(lines) > 1 and len(text) > 64_000 else lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _partition(text: str, sink: ElementSink, settings: PartitionSettings, delimiter: str) -> list[dict[str, Any]]:
    with gc_paused():
        # blank lines are skipped; a line of empty cells (",,") is a row, as pandas reads it
        rows = list(filter(None, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)))
        if not any(cell.strip() for row in rows for cell in row):
            raise FileProcessingError(f"{sink.filename}: no text found (the table has no non-empty cells)")
        width = max(map(len, rows))
        for row in rows:
            if len(row) < width:
                row.extend([""] * (width - len(row)))
        sink.add_table(rows, keep_empty_rows=True)
        return sink.finish(settings)


def partition_csv(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition comma- (or ;, |, tab-) separated text into one Table."""
    return _partition(text, sink, settings, _sniff_delimiter(text))


def partition_tsv(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition tab-separated text into one Table."""
    return _partition(text, sink, settings, "\t")
