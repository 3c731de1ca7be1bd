"""The engine: one data dir's lock, store, job manager and seeded workflows, in this process (everything but HTTP).

Names: an :class:`Engine` is this in-process state; :func:`unstructured_nb.local.serve`
returns an :class:`~unstructured_nb.local.EngineServer` (an engine and its HTTP server
running in this process); discovery describes another process's engine as a
:class:`~.discovery.SharedEngine`.

The data dir is 0700 and every file in it 0600 (:mod:`.private_files`). It holds
``engine.db`` (SQLite), ``jobs/<job id>/inputs|outputs`` (bytes),
``engine.lock`` (held for the engine's lifetime: two engines on one data dir would fail
each other's jobs on restart), and, for engines started from the command line,
``engine.json`` (url and pid, read by :mod:`.discovery`) and ``engine.log``.
"""

from __future__ import annotations

import fcntl
import io
import os
import sqlite3
import uuid
from pathlib import Path
from typing import IO, Any

from ..errors import LocalEngineError
from ..quotas import OnDemandLimits
from .db_access import db_refusal
from .idle import Activity
from .jobs import JobManager
from .limits import DEFAULT_MAX_UPLOAD_BYTES, WorkerLimits
from .nodes import prepare_nodes
from .on_demand import OnDemandQueue
from .private_files import make_private_dir, open_private, tighten_tree
from .rows import utcnow
from .state_file import EngineState, read_state, remove_state, write_state
from .store import Store
from .unix_socket import remove_socket

__all__ = ["LOCK_FILE", "SEED_WORKFLOWS", "Engine"]

LOCK_FILE = "engine.lock"

# What a fresh data dir offers, so a newcomer can run something at once.
SEED_WORKFLOWS: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "partition",
        [{"name": "Partitioner", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}],
    ),
    (
        "partition-and-chunk",
        [
            {"name": "Partitioner", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}},
            {"name": "Chunker", "type": "chunk", "subtype": "chunk_by_title", "settings": {}},
        ],
    ),
]


class Engine:
    """One data dir's engine in this process, without HTTP: :meth:`open` it, then :meth:`close` it."""

    def __init__(
        self,
        data_dir: Path,
        *,
        api_key: str | None = None,
        workers: int | None = None,
        max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
        file_delay: float = 0.0,
        on_demand_limits: OnDemandLimits | None = None,
        worker_limits: WorkerLimits | None = None,
    ) -> None:
        self.worker_limits = worker_limits or WorkerLimits.from_env()
        self.on_demand = OnDemandQueue(on_demand_limits)
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.api_key = api_key or None
        self.workers = int(workers or os.cpu_count() or 1)
        if self.workers < 1:
            raise ValueError("workers must be at least 1")
        self.max_upload_bytes = int(max_upload_bytes)
        self.file_delay = max(0.0, float(file_delay))
        self._store: Store | None = None
        self._jobs: JobManager | None = None
        self._lock_fh: IO[str] | None = None
        self._wrote_state = False
        self._socket: str | None = None
        self.url: str | None = None  # where it is served, once it is
        self.activity = Activity()  # requests in flight (the idle watch of an auto-started engine reads it)

    def __repr__(self) -> str:  # never the key
        return f"Engine(data_dir={str(self.data_dir)!r}, workers={self.workers}, url={self.url!r})"

    @property
    def store(self) -> Store:
        """The workflows, jobs and files (raises once the engine is closed)."""
        if self._store is None:
            raise LocalEngineError(f"The local engine of {self.data_dir} is not open.")
        return self._store

    @property
    def jobs(self) -> JobManager:
        """The job manager and its worker pool (raises once the engine is closed)."""
        if self._jobs is None:
            raise LocalEngineError(f"The local engine of {self.data_dir} is not open.")
        return self._jobs

    def open(self) -> Engine:
        db = self.data_dir / "engine.db"
        try:
            make_private_dir(self.data_dir)
            tighten_tree(self.data_dir)  # a data dir written before files were private
            make_private_dir(self.data_dir / "jobs")
            # SQLite gives its -wal and -shm files the database file's mode: create it 0600 first
            open_private(db).close()
        except OSError as exc:
            raise db_refusal(db, exc) from None
        self._acquire_lock()
        try:
            try:
                self._store = Store(db)
                self._store.set_meta("opened", utcnow().isoformat())  # a write: a db it cannot write refuses the start
                self._seed()
            except sqlite3.DatabaseError as exc:
                raise db_refusal(db, exc) from None
            self._jobs = JobManager(
                self._store,
                self.data_dir,
                self.workers,
                file_delay=self.file_delay,
                on_demand=self.on_demand,
                worker_limits=self.worker_limits,
            )
            self._jobs.start()
        except BaseException:
            self.close()
            raise
        return self

    def busy(self) -> bool:
        """True while a job runs or waits, or an outcome waits to be recorded (an idle engine may exit otherwise)."""
        if self._jobs is not None and self._jobs.deferred.pending:
            return True
        return bool(self.store.jobs_with_status("SCHEDULED", "IN_PROGRESS"))

    def close(self) -> None:
        if self._jobs is not None:
            self._jobs.close()
            self._jobs = None
        if self._store is not None:
            self._store.close()
            self._store = None
        self.remove_state_file()
        if self._lock_fh is not None:
            try:
                fcntl.flock(self._lock_fh, fcntl.LOCK_UN)
            finally:
                self._lock_fh.close()
                self._lock_fh = None

    def _acquire_lock(self) -> None:
        try:
            fh = io.TextIOWrapper(open_private(self.data_dir / LOCK_FILE, "ab+"))  # held (and locked) until close()
        except OSError as exc:
            raise LocalEngineError(
                f"The local engine cannot write in its data dir {self.data_dir}: {exc.strerror or exc}.",
                hint="Choose a writable --data-dir.",
            ) from None
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            other = read_state(self.data_dir)
            where = f" at {other.url} (pid {other.pid})" if other else ""
            raise LocalEngineError(
                f"Another local engine is already using the data dir {self.data_dir}{where}.",
                hint=f"Use that engine, stop it with `unstructured-nb stop --data-dir {self.data_dir}`, "
                "or pass another --data-dir.",
            ) from None
        self._lock_fh = fh

    def _seed(self) -> None:
        if self.store.get_meta("seeded"):
            return
        # sorted ids: the SDK lists with sort_by=id, and `partition` should come first
        ids = sorted(str(uuid.uuid4()) for _ in SEED_WORKFLOWS)
        for wid, (name, nodes) in zip(ids, SEED_WORKFLOWS, strict=True):
            self.store.create_workflow(name=name, workflow_type="custom", nodes=prepare_nodes(nodes), workflow_id=wid)
        self.store.set_meta("seeded", "1")

    # -- state file (engines that discovery can find) ------------------------------------

    def write_state_file(self, url: str, socket: str | None = None) -> None:
        """Record where this engine answers, for :mod:`.discovery` (engines started from the command line)."""
        self.url = url
        self._socket = socket
        state = EngineState(url=url, pid=os.getpid(), data_dir=str(self.data_dir), auth=bool(self.api_key), socket=socket)
        write_state(self.data_dir, state)
        self._wrote_state = True

    def remove_state_file(self) -> None:
        if self._wrote_state:
            remove_state(self.data_dir, pid=os.getpid())
            self._wrote_state = False
            if self._socket:
                remove_socket(Path(self._socket))
