"""Stream a multipart upload straight to disk with python-multipart.

Memory stays bounded (one network chunk at a time), each file is capped at a size
limit (413 above it), and the client's filename is only ever used as a display name
and for its extension: the bytes go to ``<dest_dir>/<generated id><ext>``.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from python_multipart.multipart import MultipartParser, parse_options_header

__all__ = ["FILE_FIELDS", "Upload", "UploadError", "display_name", "receive_files", "safe_extension"]

FILE_FIELDS = frozenset({"input_files", "input_files[]"})
MAX_FILES = 1000
MAX_FIELD_BYTES = 1024 * 1024  # non-file form fields (request_data) are small JSON
_DRAIN_LIMIT = 4 * 1024**3  # after a 413 we read (and drop) at most this much so the client sees the answer

_EXT = re.compile(r"^\.[a-z0-9]{1,12}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Upload:
    file_id: str
    name: str  # display name (basename of what the client sent, cleaned)
    path: Path
    size: int = 0


@dataclass
class UploadResult:
    files: list[Upload] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


class UploadError(Exception):
    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


def display_name(raw: str | None, index: int) -> str:
    """The last path component of a client filename, without control characters."""
    name = (raw or "").replace("\\", "/").split("/")[-1]
    name = _CONTROL.sub("", name).strip()
    if name in ("", ".", ".."):
        name = f"upload-{index + 1}"
    return name[:255]


def safe_extension(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext if _EXT.match(ext) else ""


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


async def receive_files(
    content_type: str | None,
    stream: AsyncIterator[bytes],
    dest_dir: Path,
    *,
    max_file_bytes: int,
) -> UploadResult:
    """Parse a multipart body from ``stream``; file parts named ``input_files``/``input_files[]`` go to ``dest_dir``.

    Raises :class:`UploadError` (400, 413 or 415); on error no partial file is left behind.
    """
    result = UploadResult()
    if not content_type:
        async for chunk in stream:
            if chunk.strip():
                raise UploadError(415, "Send input files as multipart/form-data parts named 'input_files'.")
        return result
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data":
        async for _ in stream:
            pass
        raise UploadError(
            415,
            f"Unsupported Content-Type {ctype.decode('latin-1')!r}: send input files as multipart/form-data parts named 'input_files'.",
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise UploadError(400, "The multipart body has no boundary in its Content-Type header.")

    events: list[tuple[str, Any]] = []
    header_field = bytearray()
    header_value = bytearray()
    headers: dict[bytes, bytes] = {}

    def on_part_begin() -> None:
        headers.clear()
        events.append(("begin", None))

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header_field.extend(data[start:end])

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header_value.extend(data[start:end])

    def on_header_end() -> None:
        headers[bytes(header_field).lower()] = bytes(header_value)
        header_field.clear()
        header_value.clear()

    def on_headers_finished() -> None:
        events.append(("headers", dict(headers)))

    def on_part_data(data: bytes, start: int, end: int) -> None:
        events.append(("data", bytes(data[start:end])))

    def on_part_end() -> None:
        events.append(("end", None))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )

    current: Upload | None = None
    fh: Any = None
    field_name: str | None = None
    field_buf: bytearray | None = None
    skipping = False

    def cleanup() -> None:
        if fh is not None:
            fh.close()
        for up in result.files:
            try:
                up.path.unlink()
            except FileNotFoundError:
                pass

    try:
        async for chunk in stream:
            try:
                parser.write(chunk)
            except Exception as exc:
                raise UploadError(400, f"The multipart body is malformed: {exc}") from None
            for kind, payload in events:
                if kind == "headers":
                    disposition, opts = parse_options_header(payload.get(b"content-disposition", b""))
                    name = opts.get(b"name", b"").decode("utf-8", "replace")
                    filename = opts.get(b"filename")
                    skipping = False
                    if name in FILE_FIELDS:
                        if len(result.files) >= MAX_FILES:
                            raise UploadError(400, f"Too many files in one run: at most {MAX_FILES}.")
                        raw = filename.decode("utf-8", "replace") if filename is not None else None
                        shown = display_name(raw, len(result.files))
                        file_id = str(uuid.uuid4())
                        dest_dir.mkdir(parents=True, exist_ok=True)
                        current = Upload(file_id=file_id, name=shown, path=dest_dir / f"{file_id}{safe_extension(shown)}")
                        result.files.append(current)
                        fh = open(current.path, "wb")
                    elif filename is None and name:
                        field_name, field_buf = name, bytearray()
                    else:
                        skipping = True  # an unknown file field: read past it
                elif kind == "data":
                    if current is not None:
                        current.size += len(payload)
                        if current.size > max_file_bytes:
                            raise UploadError(
                                413,
                                f"The file {current.name!r} is larger than the local engine's upload limit of "
                                f"{_mb(max_file_bytes)}. Start the engine with a larger --max-upload-mb to process it.",
                            )
                        fh.write(payload)
                    elif field_buf is not None:
                        field_buf.extend(payload)
                        if len(field_buf) > MAX_FIELD_BYTES:
                            raise UploadError(413, f"The form field {field_name!r} is larger than {_mb(MAX_FIELD_BYTES)}.")
                    elif not skipping:
                        pass
                elif kind == "end":
                    if current is not None:
                        fh.close()
                        fh, current = None, None
                    elif field_buf is not None and field_name is not None:
                        result.fields[field_name] = field_buf.decode("utf-8", "replace")
                        field_name, field_buf = None, None
            events.clear()
        parser.finalize()
        if current is not None:
            raise UploadError(400, "The multipart body ended in the middle of a file (the upload was cut short).")
    except UploadError as err:
        cleanup()
        if err.status_code == 413:
            # read (and drop) the rest so the client, still sending, gets the 413 instead of a broken pipe
            drained = 0
            async for chunk in stream:
                drained += len(chunk)
                if drained > _DRAIN_LIMIT:
                    break
        raise
    except BaseException:
        cleanup()
        raise
    return result
