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


_CANDIDATES = ",;\t|"


class _CandidateSniffer(csv.Sniffer):
    """``csv.Sniffer`` that counts only the candidate delimiters in its frequency test.

    The stdlib's ``_guess_delimiter`` counts every one of the 127 ASCII characters on every line,
    then keeps the candidates: nine tenths of a small CSV's partitioning time. Counting only the
    candidates gives the same answer (the other characters' tallies are never read), which
    tests/local/partition/test_tabular.py checks against the stdlib on generated samples.
    """

    def _guess_delimiter(self, data: str, delimiters: str | None) -> tuple[str, bool]:
        lines = [line for line in data.split("\n") if line]
        chars = [chr(c) for c in range(127) if delimiters is None or chr(c) in delimiters]
        chunk = min(10, len(lines))
        frequency: dict[str, dict[int, int]] = {}
        modes: dict[str, tuple[int, int]] = {}
        delims: dict[str, tuple[int, int]] = {}
        start, end, iteration = 0, chunk, 0
        while start < len(lines):
            iteration += 1
            for line in lines[start:end]:
                for char in chars:
                    counts = frequency.setdefault(char, {})
                    n = line.count(char)
                    counts[n] = counts.get(n, 0) + 1
            for char, counts in frequency.items():
                items = list(counts.items())
                if len(items) == 1 and items[0][0] == 0:
                    continue
                if len(items) > 1:
                    mode = max(items, key=lambda item: item[1])
                    items.remove(mode)
                    modes[char] = (mode[0], mode[1] - sum(item[1] for item in items))
                else:
                    modes[char] = items[0]
            total = float(min(chunk * iteration, len(lines)))
            consistency = 1.0
            while not delims and consistency >= 0.9:
                for char, (count, rows) in modes.items():
                    if count > 0 and rows > 0 and rows / total >= consistency:
                        delims[char] = (count, rows)
                consistency -= 0.01
            if len(delims) == 1:
                return self._with_spaces(next(iter(delims)), lines)
            start = end
            end += chunk
        if not delims:
            return "", False
        if len(delims) > 1:
            for preferred in self.preferred:
                if preferred in delims:
                    return self._with_spaces(preferred, lines)
        return self._with_spaces(max((v, k) for k, v in delims.items())[1], lines)

    @staticmethod
    def _with_spaces(delimiter: str, lines: list[str]) -> tuple[str, bool]:
        return delimiter, lines[0].count(delimiter) == lines[0].count(delimiter + " ")


def sniff_delimiter(text: str) -> str:
    """The delimiter of a delimited text as the library's ``csv.Sniffer`` finds it (default ",")."""
    # whole lines only: a sample cut mid-line confuses the sniffer
    lines = text[:64_000].splitlines()[:50]
    sample = "\n".join(lines[:-1] if len(lines) > 1 and len(text) > 64_000 else lines)
    try:
        return _CandidateSniffer().sniff(sample, delimiters=_CANDIDATES).delimiter
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
    return _partition(text, sink, settings, sniff_delimiter(text))


def partition_tsv(text: str, sink: ElementSink, settings: PartitionSettings) -> list[dict[str, Any]]:
    """Partition tab-separated text into one Table."""
    return _partition(text, sink, settings, "\t")
