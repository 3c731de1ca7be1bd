"""Browser uploads received in chunks into temporary files: bounded memory, a size limit, disk checks and clean-up.

The upload widget (``upload.py``) hands every message from the browser to an
:class:`UploadStore`; nothing here knows about widgets. A file is written chunk by chunk
(never held whole in memory) to ``<temp dir>/<n>/<its name>``, so once complete it is a
path on the kernel's disk whose name is the user's file name: the client streams it like
any other path. A file over the limit, or bigger than the free disk space, is refused
before a byte is written, with one sentence saying why.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from ..render.style import format_size

__all__ = ["Upload", "UploadStore", "safe_name"]

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")
# Keep this much disk free besides the file itself: a full disk breaks more than the upload.
_DISK_MARGIN = 64 * 1024 * 1024


def safe_name(name: str) -> str:
    """A file name fit for the kernel's disk: the last path part, no control characters, at most 200 characters."""
    base = _UNSAFE.sub("_", str(name).replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if base in ("", ".", ".."):
        base = "upload"
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 190 - len(ext)] + dot + ext) if dot and len(ext) < 12 else base[:200]
    return base


@dataclass(frozen=True)
class Upload:
    """One file the browser sends: its name, announced size, bytes received, and how it stands.

    ``status``: ``sending``, ``done``, ``refused`` (never started: too big, no room),
    ``failed`` (stopped half-way) or ``cancelled`` (the user cleared it).
    """

    id: str
    name: str
    size: int
    received: int = 0
    status: str = "sending"
    message: str = ""
    path: Path | None = None  # set once complete

    def as_dict(self) -> dict[str, Any]:
        """What the browser shows (no kernel path)."""
        return {
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "received": self.received,
            "status": self.status,
            "message": self.message,
        }


class UploadStore:
    """Receives uploads chunk by chunk into a private temporary folder (removed by :meth:`close`)."""

    def __init__(self, *, max_bytes: int, directory: str | os.PathLike[str] | None = None) -> None:
        self.max_bytes = max_bytes
        self._parent = directory
        self._dir: Path | None = None
        self._lock = threading.Lock()
        self._uploads: dict[str, Upload] = {}
        self._handles: dict[str, IO[bytes]] = {}
        self._count = 0

    # -- what there is ------------------------------------------------------------------------
    @property
    def uploads(self) -> list[Upload]:
        """Every upload still listed, in the order they were chosen."""
        with self._lock:
            return list(self._uploads.values())

    @property
    def busy(self) -> bool:
        """True while a file is still being sent."""
        return any(u.status == "sending" for u in self.uploads)

    def _folder(self) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="unstructured-nb-uploads-", dir=self._parent))
        return self._dir

    # -- the browser's messages ---------------------------------------------------------------------
    def begin(self, upload_id: str, name: str, size: int) -> Upload:
        """A file is about to be sent: accept it (status ``sending``) or refuse it (status ``refused``, with why)."""
        shown = safe_name(name)
        size = max(0, int(size))
        problem = None
        if size > self.max_bytes:
            problem = (
                f"{shown} is {format_size(size)}, over this panel's upload limit of {format_size(self.max_bytes)}. "
                "Nothing was sent; choose a smaller file, or ask whoever runs this notebook to raise the limit."
            )
        else:
            free = shutil.disk_usage(self._folder()).free
            if size + _DISK_MARGIN > free:
                problem = (
                    f"{shown} is {format_size(size)}, but the kernel's disk has only {format_size(free)} free. "
                    "Nothing was sent; free some space there, or choose a smaller file."
                )
        with self._lock:
            if problem:
                upload = Upload(upload_id, shown, size, status="refused", message=problem)
                self._uploads[upload_id] = upload
                return upload
            self._count += 1
            folder = self._folder() / str(self._count)
            folder.mkdir()
            path = folder / shown
            self._handles[upload_id] = open(path, "wb")  # noqa: SIM115  # stays open across messages; closed by end/abort
            upload = Upload(upload_id, shown, size, path=path)
            self._uploads[upload_id] = upload
            if size == 0:
                return self._end_locked(upload_id)
            return upload

    def chunk(self, upload_id: str, offset: int, data: bytes | memoryview) -> Upload | None:
        """Write the next chunk; None when the upload is unknown or no longer being sent (the browser should stop)."""
        with self._lock:
            upload = self._uploads.get(upload_id)
            handle = self._handles.get(upload_id)
            if upload is None or handle is None or upload.status != "sending":
                return None
            if offset != upload.received or upload.received + len(data) > upload.size:
                return self._fail_locked(upload_id, "The browser sent the file out of order; choose it again.")
            handle.write(data)
            upload = replace(upload, received=upload.received + len(data))
            self._uploads[upload_id] = upload
            if upload.received == upload.size:
                return self._end_locked(upload_id)
            return upload

    def abort(self, upload_id: str, reason: str = "The upload stopped before the whole file arrived; choose it again.") -> None:
        """The browser gave up (the page closed, a read failed): drop the partial file."""
        with self._lock:
            upload = self._uploads.get(upload_id)
            if upload is not None and upload.status == "sending":
                self._fail_locked(upload_id, reason)

    def _end_locked(self, upload_id: str) -> Upload:
        handle = self._handles.pop(upload_id)
        handle.close()
        upload = replace(self._uploads[upload_id], status="done", message="")
        self._uploads[upload_id] = upload
        return upload

    def _fail_locked(self, upload_id: str, reason: str, status: str = "failed") -> Upload:
        handle = self._handles.pop(upload_id, None)
        if handle is not None:
            handle.close()
        upload = self._uploads[upload_id]
        _remove(upload.path)
        upload = replace(upload, status=status, message=reason, path=None)
        self._uploads[upload_id] = upload
        return upload

    # -- the user's choices ---------------------------------------------------------------------
    def clear(self, keep: set[Path] | frozenset[Path] = frozenset()) -> None:
        """Forget every upload (stopping those still being sent); files in ``keep`` stay on disk (runs use them)."""
        with self._lock:
            for upload_id, upload in list(self._uploads.items()):
                if upload.status == "sending":
                    self._fail_locked(upload_id, "Cleared.", status="cancelled")
                elif upload.path is not None and upload.path not in keep:
                    _remove(upload.path)
            self._uploads.clear()

    def close(self) -> None:
        """Remove every file and the folder (the panel is closed)."""
        self.clear()
        with self._lock:
            if self._dir is not None:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None


def _remove(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink()
        path.parent.rmdir()
    except OSError:
        pass
