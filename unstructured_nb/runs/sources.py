"""The documents a run's outputs came from: each input's path or uploaded bytes, found by the name its elements carry.

A ``Run`` started here remembers, for each input file name, what was sent: the path on this
machine's disk (never read whole here) or the upload (a ``(name, bytes)`` pair, a
``FileUpload`` entry, an open file), kept by reference. :func:`as_source` turns that, or
whatever a user passes as ``view(source=...)``, into a path or bytes the page renderer can
open; :func:`missing_source` says in one paragraph why a document's pages cannot be shown
and what to pass. :func:`chunk_originals` decodes a chunk's ``orig_elements`` (the local
engine's and the library's base64 of zlib-deflated JSON) with a bound on its inflated size.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputFileError
from ..local.chunking import decode_orig_elements

__all__ = [
    "MAX_ORIGINALS_BYTES",
    "MAX_READ_BYTES",
    "Source",
    "as_source",
    "chunk_originals",
    "find_source",
    "missing_source",
    "sources_of",
]

log = logging.getLogger("unstructured_nb.runs")

#: A path on this machine, or a document's bytes.
Source = Path | bytes

MAX_ORIGINALS_BYTES = 64_000_000  # inflated JSON of one chunk's originals
MAX_READ_BYTES = 1_000_000_000  # of an open file or stream given as a source (paths are never read whole)


def _from_path(value: str | os.PathLike[str]) -> Path:
    path = Path(os.path.expanduser(os.fspath(value))).absolute()
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise InputFileError(
            f"The source {value} {what}, so its pages cannot be shown",
            hint="Pass the document the elements came from: view(source='path/to/file.pdf'), or its bytes",
        )
    return path


def _read(stream: Any) -> bytes:
    data = stream.read(MAX_READ_BYTES + 1)
    if not isinstance(data, (bytes, bytearray)):
        raise InputFileError("The source stream gave text, not bytes", hint="Open the file in binary mode ('rb')")
    if len(data) > MAX_READ_BYTES:
        raise InputFileError(
            f"The source stream holds more than {MAX_READ_BYTES // 1_000_000} MB",
            hint="Pass its path instead: a path is opened page by page, never read whole",
        )
    return bytes(data)


def as_source(value: Any) -> Source:
    """``value`` as a path or bytes: a path (str or PathLike), bytes, a ``(name, bytes)`` pair,
    a ``FileUpload`` entry (``{"name", "content", ...}``) or an open binary file.

    Raises ``InputFileError`` (one paragraph, what to pass instead) for anything else.
    """
    if isinstance(value, (str, os.PathLike)):
        return _from_path(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], (bytes, bytearray, memoryview)):
        return bytes(value[1])
    if isinstance(value, Mapping) and isinstance(value.get("content"), (bytes, bytearray, memoryview)):
        return bytes(value["content"])
    if hasattr(value, "read"):
        name = getattr(value, "name", None)
        if isinstance(name, str) and os.path.isfile(name):
            return Path(name).absolute()
        if hasattr(value, "getvalue"):  # io.BytesIO: all of it, wherever its position is
            value.seek(0)
        return _read(value)
    raise InputFileError(
        f"Cannot use a {type(value).__name__} as a document source",
        hint="Pass a path, the file's bytes, a (name, bytes) pair or an open binary file",
    )


def sources_of(files: Iterable[Any]) -> dict[str, Any]:
    """What a run sends, by input name (the first of a name): each ``InputFile``'s path, or the upload itself."""
    out: dict[str, Any] = {}
    for f in files:
        out.setdefault(f.name, f.path or f.item)
    return out


def find_source(sources: Mapping[str, Any], filename: str) -> Any | None:
    """What was sent under ``filename`` (or a file of that base name), or None."""
    if filename in sources:
        return sources[filename]
    base = os.path.basename(filename)
    for name, value in sources.items():
        if os.path.basename(name) == base:
            return value
    return None


def missing_source(filename: str, *, known: bool, attached: bool) -> str:
    """Why the pages of ``filename`` cannot be shown, and what to do (the boxes are still drawn on blank pages)."""
    if attached:
        why = (
            f"The source of {filename} is not on this machine: this job was attached or started elsewhere, "
            "so its input files are unknown here."
        )
    elif known:
        why = f"The source of {filename} is no longer where it was when the run started."
    else:
        why = f"No source was given for {filename}."
    return f"{why} Boxes are drawn on blank pages; pass the document to see them on its pages: view(source='path/to/{filename}')."


def chunk_originals(chunk: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """A chunk's original elements from ``metadata.orig_elements`` (encoded, or already a list), or None."""
    meta = chunk.get("metadata")
    value = meta.get("orig_elements") if isinstance(meta, Mapping) else None
    if isinstance(value, list):
        return [e for e in value if isinstance(e, dict)]
    if not isinstance(value, str) or not value:
        return None
    try:
        decoded = decode_orig_elements(value, max_bytes=MAX_ORIGINALS_BYTES)
    except (ValueError, TypeError, zlib.error, MemoryError) as exc:  # base64, JSON and UTF-8 errors are ValueErrors
        log.debug("orig_elements of %s unreadable: %s", chunk.get("element_id"), exc)
        return None
    return [e for e in decoded if isinstance(e, dict)] if isinstance(decoded, list) else None
