"""Receive a streamed multipart upload: file parts go straight to disk, small form fields are kept (python-multipart).

Memory stays bounded (at most a 1 MiB batch of the body at a time), each file is capped at a size limit
(413 above it), and the client's filename is only ever used as a display name and for its
extension: the bytes go to ``<dest_dir>/<generated id><ext>``. Disk writes run in the
threadpool, never on the event loop.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from ..limits import DRAIN_LIMIT, MAX_FIELD_BYTES, MAX_FIELDS, MAX_FIELDS_TOTAL_BYTES, MAX_FILES
from ..private_files import make_private_dir, open_private
from .errors import ApiError

__all__ = ["FILE_FIELDS", "ReceivedFile", "Upload", "receive_files"]

#: The multipart part names of input files (the SDK sends ``input_files``; forms often add ``[]``).
FILE_FIELDS = frozenset({"input_files", "input_files[]"})
#: Longest multipart boundary accepted: python-multipart's own maximum (RFC 2046 allows 70).
MAX_BOUNDARY = 256

# The body goes to the threadpool (parser and disk writes) a batch at a time: one thread hop per
# batch, not per network chunk, and never more than a batch in memory. A small upload is one hop.
_FEED_BYTES = 1024 * 1024

_EXT = re.compile(r"^\.[a-z0-9]{1,12}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class ReceivedFile:
    file_id: str
    name: str  # display name (basename of what the client sent, cleaned)
    path: Path
    size: int = 0


@dataclass
class Upload:
    """What a multipart body held: the files written to disk, and the other (small) form fields."""

    files: list[ReceivedFile] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)


def _display_name(raw: str | None, index: int) -> str:
    """The last path component of a client filename, without control characters."""
    name = (raw or "").replace("\\", "/").split("/")[-1]
    name = _CONTROL.sub("", name).strip()
    if name in ("", ".", ".."):
        name = f"upload-{index + 1}"
    return name[:255]


def _safe_extension(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext if _EXT.match(ext) else ""


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


class _Receiver:
    """The synchronous half: python-multipart callbacks writing parts as they arrive."""

    def __init__(self, boundary: bytes, dest_dir: Path, max_file_bytes: int) -> None:
        self.upload = Upload()
        self._dest_dir = dest_dir
        self._max_file_bytes = max_file_bytes
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._current: ReceivedFile | None = None
        self._fh: BinaryIO | None = None
        self._field_name: str | None = None
        self._field_buf: bytearray | None = None
        self._fields_seen = 0
        self._field_bytes = 0
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._headers.clear,
                "on_header_field": lambda data, start, end: self._header_field.extend(data[start:end]),
                "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
                "on_header_end": self._on_header_end,
                "on_headers_finished": self._on_headers_finished,
                "on_part_data": self._on_part_data,
                "on_part_end": self._on_part_end,
            },
        )

    def feed(self, chunk: bytes) -> None:
        try:
            self._parser.write(chunk)
        except ApiError:
            raise
        except OSError:
            raise  # the disk, not the body: the caller says so
        except Exception as exc:
            raise ApiError(400, f"The multipart body is malformed: {exc}") from None

    def feed_and_finish(self, last: bytes) -> None:
        """The rest of the body, then its end."""
        if last:
            self.feed(last)
        self._parser.finalize()
        if self._current is not None:
            raise ApiError(400, "The multipart body ended in the middle of a file (the upload was cut short).")

    def discard(self) -> None:
        """Close and delete what was written: a failed upload leaves no partial file."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        for received in self.upload.files:
            try:
                received.path.unlink()
            except FileNotFoundError:
                pass

    def _on_header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        _, opts = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = opts.get(b"name", b"").decode("utf-8", "replace")
        filename = opts.get(b"filename")
        files = self.upload.files
        if name in FILE_FIELDS:
            if len(files) >= MAX_FILES:
                raise ApiError(413, f"Too many files in one run: at most {MAX_FILES}. Send the rest in another run.")
            raw = filename.decode("utf-8", "replace") if filename is not None else None
            shown = _display_name(raw, len(files))
            file_id = str(uuid.uuid4())
            make_private_dir(self._dest_dir)
            self._current = ReceivedFile(file_id=file_id, name=shown, path=self._dest_dir / f"{file_id}{_safe_extension(shown)}")
            files.append(self._current)
            self._fh = open_private(self._current.path, "wb")  # closed at the part's end or by discard()
        elif filename is None and name:
            self._fields_seen += 1
            if self._fields_seen > MAX_FIELDS:
                raise ApiError(413, f"Too many form fields in one request: at most {MAX_FIELDS} besides the files.")
            self._field_name, self._field_buf = name, bytearray()
        # any other part (an unknown file field) is read past

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current is not None and self._fh is not None:
            self._current.size += end - start
            if self._current.size > self._max_file_bytes:
                raise ApiError(
                    413,
                    f"The file {self._current.name!r} is larger than the local engine's upload limit of "
                    f"{_mb(self._max_file_bytes)}. Start the engine with a larger --max-upload-mb to process it.",
                )
            self._fh.write(data[start:end])
        elif self._field_buf is not None:
            self._field_buf.extend(data[start:end])
            self._field_bytes += end - start
            if self._field_bytes > MAX_FIELDS_TOTAL_BYTES:
                raise ApiError(413, f"The form fields of this request are larger than {_mb(MAX_FIELDS_TOTAL_BYTES)} together.")
            if len(self._field_buf) > MAX_FIELD_BYTES:
                raise ApiError(413, f"The form field {self._field_name!r} is larger than {_mb(MAX_FIELD_BYTES)}.")

    def _on_part_end(self) -> None:
        if self._current is not None and self._fh is not None:
            self._fh.close()
            self._fh, self._current = None, None
        elif self._field_buf is not None and self._field_name is not None:
            self.upload.fields[self._field_name] = self._field_buf.decode("utf-8", "replace")
            self._field_name, self._field_buf = None, None


async def receive_files(content_type: str | None, stream: AsyncIterator[bytes], dest_dir: Path, *, max_file_bytes: int) -> Upload:
    """Parse a multipart body from ``stream``; file parts named ``input_files``/``input_files[]`` go to ``dest_dir``.

    Raises :class:`~.errors.ApiError` (400, 413 or 415) for a body it refuses, and ``OSError``
    when the disk does; either way no partial file is left behind.
    """
    if not content_type:
        async for chunk in stream:
            if chunk.strip():
                raise ApiError(415, "Send input files as multipart/form-data parts named 'input_files'.")
        return Upload()
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data":
        async for _ in stream:
            pass
        raise ApiError(
            415,
            f"Unsupported Content-Type {ctype.decode('latin-1')!r}: "
            "send input files as multipart/form-data parts named 'input_files'.",
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise ApiError(400, "The multipart body has no boundary in its Content-Type header.")
    if len(boundary) > MAX_BOUNDARY:
        raise ApiError(
            400,
            f"The multipart boundary is {len(boundary)} characters long; the local engine accepts at most {MAX_BOUNDARY} "
            "(RFC 2046 allows 70). Let the HTTP library choose the boundary.",
        )
    receiver = _Receiver(boundary, dest_dir, max_file_bytes)
    try:
        pending: list[bytes] = []
        size = 0
        async for chunk in stream:
            pending.append(chunk)
            size += len(chunk)
            if size >= _FEED_BYTES:
                await run_in_threadpool(receiver.feed, b"".join(pending))
                pending, size = [], 0
        await run_in_threadpool(receiver.feed_and_finish, b"".join(pending))
    except ApiError as err:
        await run_in_threadpool(receiver.discard)
        if err.status_code == 413:
            # read (and drop) the rest so the client, still sending, gets the 413 instead of a broken pipe
            drained = 0
            async for chunk in stream:
                drained += len(chunk)
                if drained > DRAIN_LIMIT:
                    break
        raise
    except BaseException:
        receiver.discard()  # also on a cancelled request: nothing to await then
        raise
    return receiver.upload
