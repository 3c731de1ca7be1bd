"""The local engine: an offline server speaking the Unstructured Platform's Workflow API.

``serve(...)`` runs one in this process and returns an :class:`EngineServer` (tests,
scripts); ``discovery.ensure_local_engine`` finds or starts the shared, detached one that
notebooks use (a :class:`~.discovery.SharedEngine`); ``unstructured-nb serve`` runs one in
the foreground. Inside, an :class:`~.engine.Engine` is one data dir's state (store, jobs,
worker processes) and :mod:`.api` its HTTP face. Importing this package is cheap: FastAPI,
uvicorn and the partitioners load only when an engine starts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..quotas import OnDemandLimits
from .limits import DEFAULT_MAX_UPLOAD_BYTES, WorkerLimits

if TYPE_CHECKING:
    from .engine import Engine
    from .http_server import ServerThread
    from .pruning import PruneReport, prune


def __getattr__(name: str) -> Any:
    """``prune`` and ``PruneReport`` load on first use (:mod:`.pruning`): importing the package stays cheap."""
    if name in ("prune", "PruneReport"):
        from . import pruning

        return getattr(pruning, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "EngineServer", "PruneReport", "WorkerLimits", "prune", "serve"]


class EngineServer:
    """An engine and its HTTP server, running in this process. Use as a context manager, or call :meth:`stop`."""

    def __init__(self, engine: Engine, thread: ServerThread, url: str) -> None:
        self.engine = engine
        self._thread = thread
        self.url: str = url
        self.data_dir: Path = engine.data_dir
        self._stopped = False

    @property
    def api_key(self) -> str | None:
        return self.engine.api_key

    def stop(self) -> None:
        """Stop serving, stop the worker processes, release the data dir. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        try:
            self._thread.stop()
        finally:
            self.engine.close()

    def __enter__(self) -> EngineServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:  # never the key
        state = "stopped" if self._stopped else "running"
        return f"<EngineServer {self.url} data_dir={str(self.data_dir)!r} {state}>"


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    data_dir: str | os.PathLike[str] | None = None,
    api_key: str | None = None,
    workers: int | None = None,
    *,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    file_delay: float = 0.0,
    on_demand_limits: OnDemandLimits | None = None,
    worker_limits: WorkerLimits | None = None,
) -> EngineServer:
    """Start a local engine in this process and return once it answers.

    ``port=0`` picks a free port (see ``.url``); ``data_dir`` defaults to the shared one
    (:func:`unstructured_nb.local.discovery.default_data_dir`); ``workers`` defaults to the
    CPU count; ``max_upload_bytes`` caps each uploaded file (413 above it); ``file_delay``
    makes every file take at least that many seconds (a demo/testing knob to watch
    progress and Cancel); ``on_demand_limits`` are the limits ``POST /jobs/`` enforces (the
    platform's by default); ``worker_limits`` bound what one file may cost (time and
    memory, :class:`~.limits.WorkerLimits`; default 300 s and 2048 MB, or the environment's).
    """
    # imported here, not at the top: they bring FastAPI, uvicorn and the partitioners
    from .discovery import default_data_dir
    from .http_server import ServerThread, build_server, open_engine, url_for

    engine, socks = open_engine(
        host,
        port,
        data_dir or default_data_dir(),
        api_key=api_key,
        workers=workers,
        max_upload_bytes=max_upload_bytes,
        file_delay=file_delay,
        on_demand_limits=on_demand_limits,
        worker_limits=worker_limits,
    )
    try:
        url = url_for(socks[0])
        engine.url = url
        thread = ServerThread(build_server(engine), socks)
        thread.start()
    except BaseException:
        engine.close()
        socks[0].close()
        raise
    return EngineServer(engine, thread, url)
