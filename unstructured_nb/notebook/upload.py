"""The upload button: files of any size from the browser, in chunks below Jupyter's message limit, with a progress bar each.

``ipywidgets.FileUpload`` sends every chosen file in one websocket message, which Jupyter
drops above about 10 MB. :class:`ChunkedUpload` (an anywidget; its JavaScript,
``static/upload.js``, ships in this package: no CDN, nothing fetched at run time) reads
each file in slices of ``chunk_bytes`` and sends them one after another, at most
``window`` unacknowledged at a time, so the kernel holds a few MB whatever the file's
size. The kernel writes each slice to a temporary file (:class:`~.upload_store.UploadStore`)
and acknowledges it; the ``files`` trait (name, size, bytes received, status, message)
is what the browser draws as one progress bar per file while files arrive, the same in
JupyterLab, Notebook 7 and Voila (the panel itself lists complete files, and says why one
was refused).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .upload_store import Upload, UploadStore

__all__ = ["ChunkedUpload"]

_STATIC = Path(__file__).parent / "static"


class ChunkedUpload(anywidget.AnyWidget):
    """A button that uploads files of any size to the kernel, with progress.

    ``uploads`` lists the files as the kernel has them (complete ones have a ``path``);
    ``on_change(callback)`` is called after every change (a chunk, a file done, refused).
    """

    _esm = _STATIC / "upload.js"
    _css = _STATIC / "upload.css"

    description = traitlets.Unicode("Upload").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    accept = traitlets.Unicode("").tag(sync=True)
    multiple = traitlets.Bool(True).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    max_bytes = traitlets.Int(0).tag(sync=True)
    chunk_bytes = traitlets.Int(1024 * 1024).tag(sync=True)
    window = traitlets.Int(4).tag(sync=True)
    files = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(self, *, max_bytes: int, store_dir: str | None = None, **kwargs: Any) -> None:
        super().__init__(max_bytes=max_bytes, **kwargs)
        self.store = UploadStore(max_bytes=max_bytes, directory=store_dir)
        self._callbacks: list[Callable[[ChunkedUpload], None]] = []
        self.on_msg(lambda _widget, content, buffers: self.receive(content, buffers))

    @property
    def uploads(self) -> list[Upload]:
        return self.store.uploads

    def on_change(self, callback: Callable[[ChunkedUpload], None]) -> None:
        self._callbacks.append(callback)

    # -- the browser's messages -------------------------------------------------------------------
    def receive(self, content: Any, buffers: list[memoryview] | None = None) -> None:
        """Handle one message from the browser (``begin``, ``chunk`` with its bytes, ``abort``); tests call it directly."""
        if not isinstance(content, dict):
            return
        kind, upload_id = content.get("kind"), str(content.get("id") or "")
        if kind == "begin":
            upload = self.store.begin(upload_id, str(content.get("name") or ""), int(content.get("size") or 0))
            self._reply(upload)
        elif kind == "chunk" and buffers:
            got = self.store.chunk(upload_id, int(content.get("offset") or 0), buffers[0])
            if got is None:  # cleared or failed meanwhile: tell the browser to stop
                self.send({"kind": "stop", "id": upload_id})
                return
            self._reply(got)
        elif kind == "abort":
            self.store.abort(upload_id, str(content.get("reason") or "") or "The browser stopped sending this file.")
            self._changed()
        else:
            return

    def _reply(self, upload: Upload) -> None:
        if upload.status == "sending":
            self.send({"kind": "ack", "id": upload.id, "received": upload.received})
        else:
            self.send({"kind": upload.status, "id": upload.id, "received": upload.received, "message": upload.message})
        self._changed()

    def _changed(self) -> None:
        self.files = [u.as_dict() for u in self.store.uploads]
        for callback in list(self._callbacks):
            callback(self)

    # -- the kernel's side ----------------------------------------------------------------------
    def clear(self, keep: set[Path] | frozenset[Path] = frozenset()) -> None:
        """Forget the uploads (stopping those in flight); files in ``keep`` stay on disk."""
        self.store.clear(keep)
        self._changed()

    def close(self) -> None:
        self.store.close()
        super().close()
