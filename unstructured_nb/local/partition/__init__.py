"""Built-in partitioners of the local engine, one module per family of formats.

:func:`partition_file` picks the module from the file name's extension, imports it (and its
third-party library) only then, and turns every failure into :class:`FileProcessingError` with
a sentence a user can act on.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...filetypes import MIME_TYPES
from ._common import ElementSink, PartitionSettings, decode_text
from ._errors import FileProcessingError


@dataclass(frozen=True, slots=True)
class _Format:
    module: str  # module in this package
    function: str  # its partition function
    kind: str  # "text": function(text, sink, settings); "bytes": function(path, sink, settings)


IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".heic", ".heif"})

_FORMATS: dict[str, _Format] = {
    ".txt": _Format("text", "partition_text", "text"),
    ".text": _Format("text", "partition_text", "text"),
    ".log": _Format("text", "partition_text", "text"),
    ".md": _Format("markdown", "partition_markdown", "text"),
    ".markdown": _Format("markdown", "partition_markdown", "text"),
    ".html": _Format("html", "partition_html", "text"),
    ".htm": _Format("html", "partition_html", "text"),
    ".csv": _Format("tabular", "partition_csv", "text"),
    ".tsv": _Format("tabular", "partition_tsv", "text"),
    ".json": _Format("structured", "partition_json", "text"),
    ".xml": _Format("structured", "partition_xml", "bytes"),
    ".eml": _Format("mail", "partition_eml", "bytes"),
    ".pdf": _Format("pdf_strategy", "partition_pdf_by_strategy", "bytes"),
    ".docx": _Format("docx", "partition_docx", "bytes"),
    ".pptx": _Format("pptx", "partition_pptx", "bytes"),
    ".xlsx": _Format("xlsx", "partition_xlsx", "bytes"),
    ".msg": _Format("msg", "partition_msg", "bytes"),
    ".epub": _Format("epub", "partition_epub", "bytes"),
    ".odt": _Format("odt", "partition_odt", "bytes"),
    ".rtf": _Format("rtf", "partition_rtf", "bytes"),
    ".rst": _Format("rst", "partition_rst", "bytes"),
    ".org": _Format("org", "partition_org", "bytes"),
    ".doc": _Format("legacy_office", "partition_legacy", "bytes"),
    ".ppt": _Format("legacy_office", "partition_legacy", "bytes"),
    ".xls": _Format("xlsx", "partition_xls", "bytes"),
    # images go through OCR (ocr/engine.py); fast refuses them, as the platform does
    **{ext: _Format("image", "partition_image", "bytes") for ext in sorted(IMAGE_EXTENSIONS)},
}


def supported_extensions() -> frozenset[str]:
    """Extensions (lower case, with the dot) the built-in partitioners accept."""
    return frozenset(_FORMATS)


def mime_type(filename: str) -> str | None:
    ext = Path(filename).suffix.lower()
    return MIME_TYPES[ext] if ext in _FORMATS else None


def _unsupported(filename: str, ext: str) -> FileProcessingError:
    listed = ", ".join(sorted({e for e in _FORMATS if e not in (".text", ".log", ".markdown", ".htm")}))
    what = f"unsupported file type {ext}" if ext else "a file without an extension"
    return FileProcessingError(
        f"{filename} is {what}: the local engine partitions {listed}. "
        "Convert the file to one of these, or run the workflow on the Unstructured Platform."
    )


def partition_file(
    path: Path, *, filename: str, settings: PartitionSettings, last_modified: str | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Partition the file at ``path`` (named ``filename`` by the user) into element dicts.

    Returns ``(elements, warnings)``. Raises :class:`FileProcessingError` for anything that
    cannot be partitioned: unsupported type, image, empty file, corrupt file, no text found.
    """
    # the metadata and messages carry the file's name only: an upload's name may hold directories
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1] or filename
    ext = Path(filename).suffix.lower()
    fmt = _FORMATS.get(ext)
    if fmt is None:
        raise _unsupported(filename, ext)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileProcessingError(f"{filename} could not be read ({exc.strerror or exc}); upload it again") from None
    if size == 0:
        raise FileProcessingError(f"{filename} is empty (0 bytes): no text found; check the upload")
    sink = ElementSink(filename=filename, filetype=MIME_TYPES[ext], last_modified=last_modified)
    module = importlib.import_module(f"{__name__}.{fmt.module}")
    function = getattr(module, fmt.function)
    try:
        if fmt.kind == "text":
            text, warnings = decode_text(path.read_bytes(), settings.encoding, filename)
            sink.warnings.extend(warnings)
            elements = function(text, sink, settings)
        else:
            elements = function(path, sink, settings)
    except FileProcessingError:
        raise
    except MemoryError:
        raise FileProcessingError(f"{filename} is too large to partition in memory; split it into smaller files") from None
    except RecursionError:
        raise FileProcessingError(f"{filename} is nested too deeply to partition; simplify or split it") from None
    except Exception as exc:
        raise FileProcessingError(
            f"{filename} could not be partitioned as {ext} ({type(exc).__name__}: {_short(exc)}); "
            "check that the file is not corrupt, or re-export it"
        ) from None
    if not elements and not sink.elements:
        raise FileProcessingError(f"{filename}: no text found; check that the file has text content")
    return elements, sink.warnings


def _short(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or "no details"
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "IMAGE_EXTENSIONS",
    "ElementSink",
    "FileProcessingError",
    "PartitionSettings",
    "mime_type",
    "partition_file",
    "supported_extensions",
]
