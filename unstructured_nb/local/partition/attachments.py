"""A message's attached files (.eml, .msg) partitioned as documents of their own, as the library does.

Each attachment of a type the local engine reads is written to a private (0600) temporary file and
partitioned like an upload of that name: its elements keep their own filename, ids and hierarchy,
and carry ``attached_to_filename``. One that cannot be partitioned is skipped with a warning, the
rest of the message kept.

An attachment without a file name (a second text part after an image, a delivery report, a
forwarded message) is partitioned too, as the library does by sniffing its bytes: here its
content type gives the type, and the name ``attachment-<n><ext>`` (the library leaves such
elements without a filename). A message attached to a message is opened, up to
``MAX_NESTED_MESSAGES`` deep (the library has no limit: a crafted file could nest thousands, each
level read in full again).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from ...filetypes import MIME_TYPES
from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError

MAX_NESTED_MESSAGES = 3
_MESSAGES = frozenset({".eml", ".msg"})
_NESTING: ContextVar[int] = ContextVar("unstructured_nb_message_nesting", default=0)
# a content type -> the extension a nameless attachment of it is partitioned as: what the library's
# sniffing of its bytes finds (a multipart part is raw MIME text; a delivery report is text)
_EXTENSIONS = {mime: ext for ext, mime in reversed(list(MIME_TYPES.items()))} | {
    "text/plain": ".txt",
    "text/html": ".html",
    "message/rfc822": ".eml",
    "application/xml": ".xml",
    "text/xml": ".xml",
}


# a bounce's copy of the returned message's headers (standard, and a common misspelling): the
# library sniffs it as a message, which has no body; nothing to read
_HEADERS_ONLY = frozenset({"text/rfc822-headers", "message/rfc822-headers"})


def attachment_name(filename: str | None, content_type: str, number: int) -> str | None:
    """The name attachment ``number`` (from 1) is partitioned under: its own file name, else
    ``attachment-<number>`` with the extension of its content type (none when it has no text we
    read: an image or an unknown type is then reported, not partitioned); None for a nameless
    copy of a message's headers, which has no text to give."""
    if filename:
        return filename
    kind = content_type.lower()
    if kind in _HEADERS_ONLY:
        return None
    ext = _EXTENSIONS.get(kind)
    if ext is None and kind.startswith(("text/", "multipart/", "message/")):
        ext = ".txt"
    return f"attachment-{number}{ext or ''}"


def partition_attachment(
    sink: ElementSink, name: str, read: Callable[[], bytes], settings: PartitionSettings, last_modified: str | None
) -> list[dict[str, Any]]:
    """The elements of the attachment ``name`` of the message in ``sink`` (``read`` gives its
    bytes, asked for only when its type is one we partition); warnings go to ``sink``."""
    from . import partition_file, supported_extensions

    ext = Path(name).suffix.lower()
    if ext not in supported_extensions():
        sink.warnings.append(f"{sink.filename}: attachment {name!r} was not partitioned (unsupported type {ext or 'unknown'})")
        return []
    nesting = _NESTING.get()
    if ext in _MESSAGES and nesting >= MAX_NESTED_MESSAGES:
        sink.warnings.append(
            f"{sink.filename}: attachment {name!r} was not partitioned (a message nested more than "
            f"{MAX_NESTED_MESSAGES} deep in messages); save it on its own and partition it"
        )
        return []
    try:
        payload = read()
    except Exception as exc:  # whatever a damaged part makes its reader raise: this attachment only
        sink.warnings.append(f"{sink.filename}: attachment {name!r} could not be read ({type(exc).__name__}); it was skipped")
        return []
    if not payload:
        return []
    # a private (0600) temporary file: much cheaper than a temporary directory to remove
    with tempfile.NamedTemporaryFile(prefix="unb-attachment-", suffix=ext) as handle:
        handle.write(payload)
        handle.flush()
        token = _NESTING.set(nesting + 1)
        try:
            elements, warnings = partition_file(
                Path(handle.name), filename=Path(name).name, settings=settings, last_modified=last_modified
            )
        except FileProcessingError as exc:
            sink.warnings.append(f"{sink.filename}: attachment skipped: {exc}")
            return []
        finally:
            _NESTING.reset(token)
    sink.warnings.extend(warnings)
    for element in elements:
        element["metadata"]["attached_to_filename"] = sink.filename
        element["metadata"] = dict(sorted(element["metadata"].items()))
    return elements
