"""File types by extension: the MIME type of each, and which ones the platform partitions.

One table serves the client (the ``Content-Type`` of an uploaded part) and the local engine
(``metadata.filetype`` of its elements), so the two can never disagree. The MIME types are
the ones the open-source library reports in ``metadata.filetype`` (``text/tsv`` for .tsv, as
its ``FileType`` enum says), fixed here so nothing depends on the machine's /etc/mime.types.
"""

from __future__ import annotations

import mimetypes
import os

__all__ = ["MIME_TYPES", "PLATFORM_EXTENSIONS", "mime_type"]

MIME_TYPES: dict[str, str] = {
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
    ".text": "text/plain",
    ".log": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tsv",
    ".json": "application/json",
    ".ndjson": "application/x-ndjson",
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword",
    ".ppt": "application/vnd.ms-powerpoint",
    ".xls": "application/vnd.ms-excel",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "text/rtf",
    ".epub": "application/epub",
    ".eml": "message/rfc822",
    ".msg": "application/vnd.ms-outlook",
    ".p7s": "application/pkcs7-signature",
    ".rst": "text/x-rst",
    ".org": "text/org",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".bmp": "image/bmp",
    ".heic": "image/heic",
    ".heif": "image/heif",
}

#: What the Unstructured Platform partitions (its documented list); the panel's upload accepts these.
PLATFORM_EXTENSIONS: tuple[str, ...] = (
    ".pdf", ".docx", ".doc", ".odt", ".rtf", ".pptx", ".ppt", ".xlsx", ".xls", ".csv", ".tsv",
    ".txt", ".md", ".rst", ".org", ".html", ".htm", ".xml", ".json", ".eml", ".msg", ".p7s",
    ".epub", ".png", ".jpg", ".jpeg", ".tiff", ".tif", ".bmp", ".heic",
)  # fmt: skip

_DEFAULT_TYPE = "application/octet-stream"


def mime_type(filename: str) -> str:
    """The MIME type for ``filename`` from its extension (``application/octet-stream`` if unknown)."""
    ext = os.path.splitext(filename)[1].lower()
    if ext in MIME_TYPES:
        return MIME_TYPES[ext]
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or _DEFAULT_TYPE
