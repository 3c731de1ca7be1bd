"""A message's attached files (.eml, .msg) partitioned as documents of their own, as the library does.

Each attachment of a type the local engine reads is written to a private (0600) temporary file and
partitioned like an upload of that name: its elements keep their own filename, ids and hierarchy,
and carry ``attached_to_filename``. One that cannot be partitioned is skipped with a warning, the
rest of the message kept. A message attached to a message is not opened (a warning says so): each
level would be read in full again, and a crafted file could nest thousands of them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._common import ElementSink, PartitionSettings
from ._errors import FileProcessingError

_MESSAGES = frozenset({".eml", ".msg"})


def partition_attachment(
    sink: ElementSink, name: str, read: Callable[[], bytes], settings: PartitionSettings, last_modified: str | None
) -> list[dict[str, Any]]:
    """The elements of the attachment ``name`` of the message in ``sink`` (``read`` gives its
    bytes, asked for only when its type is one we partition); warnings go to ``sink``."""
    from . import partition_file, supported_extensions

    ext = Path(name).suffix.lower()
    if ext not in supported_extensions() or ext in _MESSAGES:
        sink.warnings.append(f"{sink.filename}: attachment {name!r} was not partitioned (unsupported type {ext or 'unknown'})")
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
        try:
            elements, warnings = partition_file(
                Path(handle.name), filename=Path(name).name, settings=settings, last_modified=last_modified
            )
        except FileProcessingError as exc:
            sink.warnings.append(f"{sink.filename}: attachment skipped: {exc}")
            return []
    sink.warnings.extend(warnings)
    for element in elements:
        element["metadata"]["attached_to_filename"] = sink.filename
        element["metadata"] = dict(sorted(element["metadata"].items()))
    return elements
