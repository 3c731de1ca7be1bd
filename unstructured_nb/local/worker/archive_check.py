"""Refuse a zip bomb before a partitioner opens it: the declared unzipped sizes and compression ratios of zip-based formats.

docx, pptx, xlsx (and the OpenDocument and epub formats) are zip archives whose parts the
partitioners read whole (python-docx, python-pptx, openpyxl). A 1 MB file can declare
gigabytes, so the central directory is read first (cheap: no decompression) and the file
is refused above the limits. Python's zipfile never inflates a member past its declared
size, so a header that lies about it cannot get more bytes through.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..nodes import FileProcessingError

__all__ = ["MAX_RATIO", "MAX_UNZIPPED_BYTES", "ZIP_FORMATS", "check_archive"]

ZIP_FORMATS = frozenset({".docx", ".docm", ".pptx", ".pptm", ".xlsx", ".xlsm", ".odt", ".ods", ".odp", ".epub"})
#: All parts together, unzipped (a large real workbook is a few hundred MB at most).
MAX_UNZIPPED_BYTES = 512 * 1024 * 1024
#: A part above ``_RATIO_FLOOR`` unzipped may not be more than this many times its zipped size.
MAX_RATIO = 200
_RATIO_FLOOR = 16 * 1024 * 1024
MAX_MEMBERS = 100_000


def check_archive(path: Path, filename: str) -> None:
    """Raise :class:`FileProcessingError` if ``path`` (named ``filename``) is a zip-based format that would unzip too big."""
    if Path(filename).suffix.lower() not in ZIP_FORMATS:
        return
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip after all: the partitioner says what is wrong with it
    if len(members) > MAX_MEMBERS:
        raise FileProcessingError(_refusal(filename, f"it holds {len(members):,} parts"))
    total = sum(m.file_size for m in members)
    if total > MAX_UNZIPPED_BYTES:
        raise FileProcessingError(_refusal(filename, f"its parts unzip to {total / 1024**2:,.0f} MB"))
    for m in members:
        if m.file_size > _RATIO_FLOOR and m.file_size > MAX_RATIO * max(1, m.compress_size):
            ratio = m.file_size / max(1, m.compress_size)
            raise FileProcessingError(_refusal(filename, f"its part {m.filename!r} is compressed {ratio:,.0f} to 1"))


def _refusal(filename: str, why: str) -> str:
    return (
        f"Refused {filename!r} before opening it: {why}, beyond the local engine's limits for zip-based documents "
        f"({MAX_UNZIPPED_BYTES // 1024**2} MB unzipped, {MAX_RATIO}:1 per part). It looks like a decompression bomb; "
        "a genuine document this large can be split, or processed by the Unstructured Platform (set UNSTRUCTURED_API_URL)."
    )
