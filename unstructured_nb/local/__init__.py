"""The local engine: an offline server speaking the Unstructured Platform's Workflow API.

``serve(...)`` runs one in this process (tests, scripts); ``discovery.ensure_local_engine``
finds or starts the shared, detached one that notebooks use; ``unstructured-nb serve``
runs one in the foreground. Importing this package is cheap: FastAPI, uvicorn and the
partitioners load only when an engine starts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .limits import DEFAULT_MAX_UPLOAD_BYTES

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "LocalServer", "serve"]


class LocalServer:
    """A local engine running in this process. Use as a context manager, or call :meth:`stop`."""

    def __init__(self, engine: Any, thread: Any, url: str) -> None:
        self._engine = engine
        self._thread = thread
        self.url: str = url
        self.data_dir: Path = engine.data_dir
        self._stopped = False

    @property
    def api_key(self) -> str | None:
        return self._engine.api_key

    def stop(self) -> None:
        """Stop serving, stop the worker processes, release the data dir. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        try:
            self._thread.stop()
        finally:
            self._engine.close()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:  # never the key
        state = "stopped" if self._stopped else "running"
        return f"<LocalServer {self.url} data_dir={str(self.data_dir)!r} {state}>"


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    data_dir: str | os.PathLike[str] | None = None,
    api_key: str | None = None,
    workers: int | None = None,
    *,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    file_delay: float = 0.0,
) -> LocalServer:
    """Start a local engine in this process and return once it answers.

    ``port=0`` picks a free port (see ``.url``); ``data_dir`` defaults to the shared one
    (:func:`unstructured_nb.local.discovery.default_data_dir`); ``workers`` defaults to the
    CPU count; ``max_upload_bytes`` caps each uploaded file (413 above it); ``file_delay``
    makes every file take at least that many seconds (a demo/testing knob to watch
    progress and Cancel).
    """
    from .discovery import default_data_dir
    from .engine import Engine
    from .runner import ServerThread, bind, build_server, check_host, url_for

    check_host(host, api_key)
    engine = Engine(
        Path(data_dir) if data_dir else default_data_dir(),
        api_key=api_key,
        workers=workers,
        max_upload_bytes=max_upload_bytes,
        file_delay=file_delay,
    )
    sock = bind(host, port)
    try:
        engine.open()
    except BaseException:
        sock.close()
        raise
    try:
        url = url_for(sock)
        engine.url = url
        thread = ServerThread(build_server(engine), sock)
        thread.start()
    except BaseException:
        engine.close()
        sock.close()
        raise
    return LocalServer(engine, thread, url)
