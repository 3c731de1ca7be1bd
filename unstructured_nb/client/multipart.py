"""Turn what a user passes as ``files`` into a streamed ``multipart/form-data`` body.

Accepted: paths (``str``/``os.PathLike``), open binary file objects, ``(filename, bytes)``
and ``(filename, fileobj)`` pairs, and ipywidgets 8 ``FileUpload.value`` (a tuple of dicts
``{name, type, size, content: memoryview, last_modified}``, or one such dict). Every path
is checked before anything is sent; files on disk are read chunk by chunk while the
request is written, and reopened for each attempt, so a retry sends the same bytes.
"""

from __future__ import annotations

import io
import os
import secrets
import stat
from collections.abc import AsyncGenerator, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputFileError
from ..filetypes import mime_type

__all__ = ["FIELD_NAME", "MultipartBody", "UploadFile", "collect_files", "guess_content_type", "path_problem"]

FIELD_NAME = "input_files"
# Big enough that per-chunk overhead vanishes next to the socket writes, small enough that
# memory stays flat whatever the file size.
CHUNK_SIZE = 1024 * 1024


def guess_content_type(filename: str) -> str:
    """The MIME type for ``filename`` from its extension (``application/octet-stream`` if unknown)."""
    return mime_type(filename)


@dataclass(frozen=True)
class UploadFile:
    """One file part: where its bytes come from, and how many there are.

    Exactly one of ``path``, ``data`` and ``fileobj`` is set. ``offset`` is where a file
    object's content starts (its position when it was handed to us), so every attempt
    rewinds to it.
    """

    filename: str
    content_type: str
    size: int
    path: Path | None = None
    data: memoryview | None = None
    fileobj: Any = None
    offset: int = 0

    def iter_chunks(self) -> Iterator[bytes]:
        """The file's bytes, ``CHUNK_SIZE`` at a time; paths are reopened on every call."""
        if self.data is not None:
            for start in range(0, self.size, CHUNK_SIZE):
                yield bytes(self.data[start : start + CHUNK_SIZE])
            return
        if self.path is not None:
            try:
                handle = open(self.path, "rb")  # noqa: SIM115  # closed by the with below; open's own error is reported first
            except OSError as exc:
                raise InputFileError(
                    f"Could not open {self.path} for upload: {exc.strerror or exc}",
                    hint="Check that the file still exists and is readable, then run again",
                ) from None
            with handle:
                yield from _read_exactly(handle, self.size, self.filename)
            return
        self.fileobj.seek(self.offset)
        yield from _read_exactly(self.fileobj, self.size, self.filename)


def _read_exactly(handle: Any, size: int, filename: str) -> Iterator[bytes]:
    # The Content-Length is announced before the body, so the file must not change size
    # under us; say so clearly instead of letting the connection fail obscurely.
    remaining = size
    while remaining > 0:
        chunk = handle.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            raise InputFileError(
                f"{filename} became shorter while it was being uploaded ({size - remaining} of {size} bytes read)",
                hint="Wait until the file is completely written, then run again",
            )
        remaining -= len(chunk)
        yield bytes(chunk)


def _escape(value: str) -> str:
    # The HTML5 form-data escaping browsers and httpx use for names and filenames.
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartBody:
    """A ``multipart/form-data`` body with an exact length, streamed from its sources.

    Text fields (``request_data`` of an on-demand job) come first, then one
    ``input_files`` part per file. ``iter_sync()``/``iter_async()`` start from the beginning
    each time they are called, which is what makes a retried upload identical.
    """

    def __init__(self, files: Sequence[UploadFile], fields: Mapping[str, str] | None = None) -> None:
        self.files = list(files)
        self.boundary = secrets.token_hex(16)
        self._fields = [(name, value.encode("utf-8")) for name, value in (fields or {}).items()]
        self._headers: list[bytes] = []
        for name, _ in self._fields:
            self._headers.append(f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_escape(name)}"\r\n\r\n'.encode())
        for f in self.files:
            self._headers.append(
                (
                    f"--{self.boundary}\r\n"
                    f'Content-Disposition: form-data; name="{FIELD_NAME}"; filename="{_escape(f.filename)}"\r\n'
                    f"Content-Type: {f.content_type}\r\n\r\n"
                ).encode()
            )
        self._closing = f"--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def content_length(self) -> int:
        total = len(self._closing)
        total += sum(len(h) for h in self._headers)
        total += sum(len(v) + 2 for _, v in self._fields)
        total += sum(f.size + 2 for f in self.files)
        return total

    @property
    def replayable(self) -> bool:
        """False when a file object cannot be rewound, so the body cannot be sent twice."""
        return all(f.fileobj is None or _seekable(f.fileobj) for f in self.files)

    def headers(self) -> dict[str, str]:
        return {"Content-Type": self.content_type, "Content-Length": str(self.content_length)}

    def iter_sync(self) -> Generator[bytes, None, None]:
        headers = iter(self._headers)
        for _, value in self._fields:
            yield next(headers) + value + b"\r\n"
        for f in self.files:
            yield next(headers)
            yield from f.iter_chunks()
            yield b"\r\n"
        yield self._closing

    async def iter_async(self) -> AsyncGenerator[bytes, None]:
        # Disk reads of one chunk are short; doing them inline keeps the upload as fast as
        # the sync path (a thread hop per MiB would cost more than the read itself).
        for chunk in self.iter_sync():
            yield chunk


# --- normalising the user's `files` argument -------------------------------------------


def _seekable(obj: Any) -> bool:
    try:
        return bool(obj.seekable())
    except Exception:
        return False


def _is_bytes_like(obj: Any) -> bool:
    return isinstance(obj, (bytes, bytearray, memoryview))


def _is_fileobj(obj: Any) -> bool:
    return hasattr(obj, "read") and not isinstance(obj, (str, bytes, os.PathLike))


def _is_widget_item(obj: Any) -> bool:
    return isinstance(obj, Mapping) and "content" in obj and "name" in obj


def _is_pair(obj: Any) -> bool:
    return (
        isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], str) and (_is_bytes_like(obj[1]) or _is_fileobj(obj[1]))
    )


def as_items(files: Any) -> list[Any]:
    """One entry per file, whether the user passed one file or a collection of them."""
    if files is None:
        return []
    if isinstance(files, (str, os.PathLike)) or _is_fileobj(files) or _is_pair(files) or _is_widget_item(files):
        return [files]
    if isinstance(files, Mapping):
        raise InputFileError(
            "files was given a dict that is not an ipywidgets FileUpload entry (it needs 'name' and 'content')",
            hint="Pass paths, open binary files, (filename, bytes) pairs or a FileUpload widget's .value",
        )
    try:
        return list(files)
    except TypeError:
        raise InputFileError(
            f"files cannot be a {type(files).__name__}",
            hint="Pass a path, an open binary file, a (filename, bytes) pair, a FileUpload widget's .value, or a list of these",
        ) from None


def path_problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be uploaded (missing, a folder, unreadable...), or None."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return "no such file"
    except PermissionError:
        return "permission denied"
    except OSError as exc:
        return exc.strerror or str(exc)
    if stat.S_ISDIR(st.st_mode):
        return "is a directory, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file"
    if not os.access(path, os.R_OK):
        return "not readable (permission denied)"
    return None


def _fileobj_upload(obj: Any, filename: str | None) -> tuple[UploadFile | None, str | None]:
    """An UploadFile for an open file object, or a description of why it cannot be one."""
    label = filename or getattr(obj, "name", None) or type(obj).__name__
    if isinstance(obj, io.TextIOBase):
        return None, f"{label}: opened in text mode; open it with open(path, 'rb')"
    if getattr(obj, "closed", False):
        return None, f"{label}: the file object is closed"
    if filename is None:
        name = getattr(obj, "name", None)
        if not isinstance(name, (str, os.PathLike)) or not str(name):
            return None, f"a {type(obj).__name__} without a file name; pass it as a (filename, fileobj) pair"
        filename = os.path.basename(os.fspath(name))
    if _seekable(obj):
        offset = obj.tell()
        size = obj.seek(0, io.SEEK_END) - offset
        obj.seek(offset)
        return UploadFile(filename, guess_content_type(filename), size, fileobj=obj, offset=offset), None
    # A pipe or socket cannot be measured or rewound: its bytes are taken once, in memory.
    data = obj.read()
    if not isinstance(data, (bytes, bytearray)):
        return None, f"{label}: read() returned {type(data).__name__}, not bytes; open it in binary mode"
    return UploadFile(filename, guess_content_type(filename), len(data), data=memoryview(bytes(data))), None


def collect_files(files: Any) -> list[UploadFile]:
    """Validate every entry of ``files`` and describe each as an :class:`UploadFile`.

    Raises :class:`InputFileError` naming every unusable entry at once, before any request.
    """
    uploads: list[UploadFile] = []
    problems: list[str] = []
    for item in as_items(files):
        if isinstance(item, (str, os.PathLike)):
            path = Path(os.fspath(item)).expanduser()
            problem = path_problem(path)
            if problem == "no such file" and any(c in str(item) for c in "*?["):
                problem += " (wildcards are not expanded here: pass sorted(glob.glob(pattern)))"
            if problem:
                problems.append(f"{item}: {problem}")
                continue
            uploads.append(UploadFile(path.name, guess_content_type(path.name), path.stat().st_size, path=path.resolve()))
        elif _is_widget_item(item):
            content = item["content"]
            if not _is_bytes_like(content):
                problems.append(f"{item.get('name')}: FileUpload content is {type(content).__name__}, not bytes")
                continue
            name = str(item["name"]) or "upload"
            view = memoryview(content).cast("B")
            ctype = str(item.get("type") or "") or guess_content_type(name)
            uploads.append(UploadFile(name, ctype, view.nbytes, data=view))
        elif _is_pair(item):
            name, content = item
            if _is_bytes_like(content):
                view = memoryview(content).cast("B")
                uploads.append(UploadFile(name, guess_content_type(name), view.nbytes, data=view))
            else:
                upload, problem = _fileobj_upload(content, name)
                if upload is None:
                    problems.append(problem or f"{name}: unusable file object")
                else:
                    uploads.append(upload)
        elif _is_fileobj(item):
            upload, problem = _fileobj_upload(item, None)
            if upload is None:
                problems.append(problem or f"{item!r:.60}: unusable file object")
            else:
                uploads.append(upload)
        else:
            problems.append(f"{item!r:.60}: not a path, binary file, (filename, bytes) pair or FileUpload entry")
    if problems:
        noun = "file" if len(problems) == 1 else "files"
        raise InputFileError(
            f"Cannot upload {len(problems)} {noun}, nothing was sent: " + "; ".join(problems),
            hint="Fix the entries listed (relative paths are resolved from the current folder, "
            + os.getcwd()
            + ") and run again",
        )
    return uploads
