"""Worker processes that run a workflow's nodes on one file at a time.

Why processes and not a ``ProcessPoolExecutor``: cancel must be prompt even when a file
is half-way through a slow partitioner, and an executor cannot interrupt a running
task. Here each worker process has a manager thread in the server that feeds it one
task at a time over a pipe; cancelling a job kills the processes working on its files
(and starts fresh ones), and a crash of a worker (a parser segfault, the OOM killer)
fails that one file instead of the server.

Workers are plain subprocesses (``python -m unstructured_nb.local.worker FD``) talking
over a socketpair with ``multiprocessing.connection`` framing, not ``multiprocessing``
processes: those re-import the parent's ``__main__`` (a user's unguarded script would
run again in every worker), and ``fork`` is unsafe in this multi-threaded server.
A worker is restarted only after a cancel or a crash.
"""

from __future__ import annotations

import collections
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from ..config import ENV_KEY

__all__ = ["Task", "TaskHandler", "WorkerPool", "process_file"]


# --- the worker process side ------------------------------------------------------------


def _die_with_parent(parent_pid: int | None = None) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a killed server leaves no orphan workers)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except Exception:  # not Linux: the pipe's EOF still ends idle workers
        return
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)  # the parent died before prctl took effect


def _load_nodes() -> Any:
    from . import nodes

    return nodes


def _user_error_types(nodes: Any) -> tuple[type[BaseException], ...]:
    err = getattr(nodes, "FileProcessingError", None)
    return (err,) if isinstance(err, type) else ()


def process_file(task: dict[str, Any], send: Any = None) -> tuple[str, Any]:
    """Run every node of ``task`` on its file, writing each node's elements as JSON.

    ``send(message)`` reports progress: ``("start", i)`` and ``("node", i, n_elements)``.
    Returns ``("ok", warnings)`` or ``("fail", node_index, error, warnings)``.
    Runs in a worker process; also callable in-process (tests, the benchmark baseline).
    """
    send = send or (lambda _msg: None)
    nodes_mod = _load_nodes()
    user_errors = _user_error_types(nodes_mod)
    path = Path(task["input_path"])
    out_dir = Path(task["output_dir"])
    filename: str = task["filename"]
    delay = float(task.get("file_delay") or 0.0)
    warnings: list[str] = []
    started = time.monotonic()
    data: Any = path
    nodes: list[dict[str, Any]] = task["nodes"]
    for i, node in enumerate(nodes):
        send(("start", i))
        try:
            if i == 0 and delay:
                # the demo/testing knob: the file takes at least `delay` seconds (cancel kills us mid-sleep)
                time.sleep(max(0.0, delay - (time.monotonic() - started)))
            out = nodes_mod.run_node(node, data, filename=filename, last_modified=task.get("last_modified"))
            elements = list(out.elements)
            for w in getattr(out, "warnings", None) or ():
                if w not in warnings:
                    warnings.append(str(w))
        except user_errors as exc:  # type: ignore[misc]
            return ("fail", i, str(exc) or type(exc).__name__, warnings)
        except MemoryError:
            return (
                "fail",
                i,
                f"Ran out of memory in node {node.get('name') or node.get('type')!r}: the file is too large to process locally.",
                warnings,
            )
        except Exception as exc:  # a bug or an unexpected input: fail this file, keep the job going
            return (
                "fail",
                i,
                f"Unexpected error in node {node.get('name') or node.get('type')!r}: {type(exc).__name__}: {exc}",
                warnings,
            )
        _write_json(out_dir / f"{i}.json", elements)
        send(("node", i, len(elements)))
        data = elements
    return ("ok", warnings)


def _write_json(target: Path, elements: list[dict[str, Any]]) -> None:
    """Write atomically: a killed worker leaves either the whole output or none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(json.dumps(elements, ensure_ascii=False).encode("utf-8"))
    os.replace(tmp, target)


def _worker_main(conn: Connection, parent_pid: int | None = None) -> None:
    _die_with_parent(parent_pid)
    try:
        _load_nodes()  # import the partitioners before the first task
    except Exception:
        pass  # reported per file by process_file
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result = process_file(task, conn.send)
        except Exception as exc:  # e.g. the input vanished from disk
            result = ("fail", 0, f"The local engine could not read this file: {type(exc).__name__}: {exc}", [])
        try:
            conn.send(result)
        except (EOFError, OSError):
            return


# --- the server side -----------------------------------------------------------------------


@dataclass
class Task:
    """One file of one job, as queued for a worker."""

    job_id: str
    file_id: str
    payload: dict[str, Any] = field(repr=False)


class TaskHandler(Protocol):
    def begin(self, task: Task) -> bool: ...  # False: skip (the job was cancelled meanwhile)
    def progress(self, task: Task, message: tuple[Any, ...]) -> None: ...
    def end(self, task: Task, result: tuple[Any, ...]) -> None: ...


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[2])


def _child_env() -> dict[str, str]:
    """The worker must import this very package, even when it is not installed (a checkout on sys.path)."""
    env = dict(os.environ)
    root = _package_root()
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in parts:
        env["PYTHONPATH"] = os.pathsep.join([root, *parts])
    env.pop("UNSTRUCTURED_NB_SERVER_API_KEY", None)  # workers never need the key
    env.pop(ENV_KEY, None)
    return env


class _Worker:
    def __init__(self, index: int) -> None:
        self.index = index
        self.process: subprocess.Popen | None = None
        self.conn: Connection | None = None
        self.current: Task | None = None
        self.killed = False
        self.thread: threading.Thread | None = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def ensure_process(self) -> None:
        if self.alive():
            return
        self.discard_process()
        parent, child = socket.socketpair()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "unstructured_nb.local.worker", str(child.fileno()), str(os.getpid())],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                env=_child_env(),
                close_fds=True,
            )
        finally:
            child.close()
        self.process, self.conn = proc, Connection(parent.detach())

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                self.process.kill()
            except ProcessLookupError:
                pass

    def discard_process(self) -> None:
        proc, conn = self.process, self.conn
        self.process = self.conn = None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


class FairQueue:
    """Files of all jobs, served round-robin between jobs (first-come first-served within a job).

    A one-file run submitted after a 500-file run starts after at most one file of the big
    one per worker, instead of waiting for all 500. ``close`` wakes every waiting ``get``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._per_job: dict[str, collections.deque[Task]] = {}
        self._rotation: collections.deque[str] = collections.deque()
        self._closed = False

    def put(self, task: Task) -> None:
        with self._cond:
            tasks = self._per_job.get(task.job_id)
            if tasks is None:
                tasks = self._per_job[task.job_id] = collections.deque()
                self._rotation.append(task.job_id)
            tasks.append(task)
            self._cond.notify()

    def get(self) -> Task | None:
        """The next task, or None once closed."""
        with self._cond:
            while not self._rotation and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            job_id = self._rotation.popleft()
            tasks = self._per_job[job_id]
            task = tasks.popleft()
            if tasks:
                self._rotation.append(job_id)
            else:
                del self._per_job[job_id]
            return task

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class WorkerPool:
    """N worker processes fed from a :class:`FairQueue` of file tasks."""

    def __init__(self, size: int, handler: TaskHandler) -> None:
        self.size = max(1, int(size))
        self._handler = handler
        self._queue = FairQueue()
        self._lock = threading.Lock()
        self._workers = [_Worker(i) for i in range(self.size)]
        self._closing = False

    def start(self) -> None:
        for w in self._workers:
            w.thread = threading.Thread(target=self._loop, args=(w,), name=f"unstructured-nb-pool-{w.index}", daemon=True)
            w.thread.start()

    @property
    def closing(self) -> bool:
        return self._closing

    def submit(self, task: Task) -> None:
        self._queue.put(task)

    def cancel(self, job_id: str) -> int:
        """Kill the workers busy with ``job_id``'s files; queued tasks are skipped by ``begin``."""
        killed = 0
        with self._lock:
            for w in self._workers:
                if w.current is not None and w.current.job_id == job_id:
                    # also a worker whose process is still starting: _run sees the flag
                    w.killed = True
                    w.kill()
                    killed += 1
        return killed

    def close(self) -> None:
        self._closing = True
        self._queue.close()
        with self._lock:
            for w in self._workers:
                if w.process is not None and w.current is not None:
                    w.killed = True
                    w.kill()
        for w in self._workers:
            if w.thread is not None:
                w.thread.join(timeout=10)
            if w.conn is not None:
                try:
                    w.conn.send(None)
                except OSError:
                    pass
            w.discard_process()

    def _loop(self, w: _Worker) -> None:
        # Workers are started from this long-lived thread, not the caller's: PR_SET_PDEATHSIG fires
        # when the *thread* that started a process ends, and serve() may be called from a short-lived one.
        try:
            w.ensure_process()
        except OSError:
            pass  # retried (and reported per file) by the first task
        while True:
            task = self._queue.get()
            if task is None or self._closing:
                return
            # The task is visible to cancel() before its file is marked running, so a cancel can
            # never fall between the two and leave the file to run to its end.
            with self._lock:
                w.killed = False
                w.current = task
            try:
                if not self._handler.begin(task):
                    continue
                result = self._run(w, task)
                self._handler.end(task, result)
            except Exception as exc:  # never let a bookkeeping error kill the pool thread
                try:
                    self._handler.end(task, ("fail", 0, f"Internal error of the local engine: {type(exc).__name__}: {exc}", []))
                except Exception:
                    pass
            finally:
                with self._lock:
                    w.current = None

    def _run(self, w: _Worker, task: Task) -> tuple[Any, ...]:
        try:
            w.ensure_process()
            with self._lock:
                killed = w.killed
            if killed:  # cancelled while the process was starting: it may be dying, use a fresh one next
                w.discard_process()
                return ("killed",)
            assert w.conn is not None
            w.conn.send(task.payload)
            while True:
                msg = w.conn.recv()
                if msg[0] in ("ok", "fail"):
                    return tuple(msg)
                self._handler.progress(task, tuple(msg))
        except (EOFError, OSError):
            with self._lock:
                killed = w.killed
            proc = w.process
            w.discard_process()  # waits for it, so the exit code is known
            code = proc.returncode if proc is not None else None
            if killed or self._closing:
                return ("killed",)
            return (
                "fail",
                0,
                f"The worker process processing this file crashed (exit status {code}); the file may be too large or malformed for the local engine.",
                [],
            )


if __name__ == "__main__":
    _worker_main(Connection(int(sys.argv[1])), int(sys.argv[2]) if len(sys.argv) > 2 else None)
