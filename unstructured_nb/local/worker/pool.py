"""The worker pool: N worker processes, each fed one file task at a time by its manager thread from a fair queue.

Why processes and not a ``ProcessPoolExecutor``: cancel must be prompt even when a file
is half-way through a slow partitioner, and an executor cannot interrupt a running
task. Here each worker process has a manager thread in the engine that feeds it one
task at a time over a pipe; cancelling a job kills the processes working on its files
(and starts fresh ones), and a crash of a worker (a parser segfault, the OOM killer)
fails that one file instead of the engine. A worker is restarted only after a cancel or
a crash.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from ..limits import WorkerLimits
from .fair_queue import FairQueue
from .messages import OUT_OF_MEMORY_EXIT, Failed, FileTask, Killed, Outcome, Progress, Succeeded, memory_message
from .process import WorkerProcess

__all__ = ["TaskHandler", "WorkerPool", "time_limit_message"]


def time_limit_message(seconds: float) -> str:
    return (
        f"This file took longer than the local engine's limit of {seconds:g} s per file, so it was stopped; the other "
        "files go on. If the file is genuine, raise the limit: start the engine with --file-timeout SECONDS or set "
        "UNSTRUCTURED_NB_FILE_TIMEOUT (0 turns the limit off)."
    )


class TaskHandler(Protocol):
    """What the pool reports to, from its manager threads (the job manager)."""

    def begin(self, task: FileTask) -> bool:
        """Mark the file running; False skips it (its job was cancelled while it was queued)."""
        ...

    def progress(self, task: FileTask, message: Progress) -> None: ...

    def end(self, task: FileTask, outcome: Outcome) -> None: ...


@dataclass(eq=False)
class _Slot:
    """One worker process and what its manager thread is doing with it."""

    index: int
    worker: WorkerProcess = field(default_factory=WorkerProcess)
    current: FileTask | None = None  # guarded by the pool's lock
    killed: bool = False  # guarded by the pool's lock
    timed_out: bool = False  # guarded by the pool's lock: killed by the per-file time limit
    thread: threading.Thread | None = None


class WorkerPool:
    """N worker processes fed from a :class:`FairQueue` of file tasks."""

    def __init__(self, size: int, handler: TaskHandler, limits: WorkerLimits | None = None) -> None:
        self.size = max(1, int(size))
        self.limits = limits or WorkerLimits()
        self._handler = handler
        self._queue = FairQueue()
        self._lock = threading.Lock()
        self._slots = [_Slot(i, WorkerProcess(self.limits.memory_mb)) for i in range(self.size)]
        self._closing = False

    def start(self) -> None:
        for slot in self._slots:
            slot.thread = threading.Thread(
                target=self._loop, args=(slot,), name=f"unstructured-nb-pool-{slot.index}", daemon=True
            )
            slot.thread.start()

    @property
    def closing(self) -> bool:
        return self._closing

    def worker_pids(self) -> list[int | None]:
        """The pid of each worker process (None while one is being replaced)."""
        return [slot.worker.pid for slot in self._slots]

    def submit(self, task: FileTask) -> None:
        self._queue.put(task)

    def cancel(self, job_id: str) -> int:
        """Kill the workers busy with ``job_id``'s files; queued tasks are skipped by ``begin``."""
        killed = 0
        with self._lock:
            for slot in self._slots:
                if slot.current is not None and slot.current.job_id == job_id:
                    # also a worker whose process is still starting: _run sees the flag
                    slot.killed = True
                    slot.worker.kill()
                    killed += 1
        return killed

    def close(self) -> None:
        self._closing = True
        self._queue.close()
        with self._lock:
            for slot in self._slots:
                if slot.current is not None:
                    slot.killed = True
                    slot.worker.kill()
        for slot in self._slots:
            if slot.thread is not None:
                slot.thread.join(timeout=10)
            try:
                slot.worker.send(None)
            except OSError:
                pass
            slot.worker.discard()

    def _loop(self, slot: _Slot) -> None:
        # Workers are started from this long-lived thread, not the caller's: PR_SET_PDEATHSIG fires
        # when the *thread* that started a process ends, and serve() may be called from a short-lived one.
        try:
            slot.worker.ensure_started()
        except OSError:
            pass  # retried (and reported per file) by the first task
        while True:
            task = self._queue.get()
            if task is None or self._closing:
                return
            # The task is visible to cancel() before its file is marked running, so a cancel can
            # never fall between the two and leave the file to run to its end.
            with self._lock:
                slot.killed = slot.timed_out = False
                slot.current = task
            try:
                if not self._handler.begin(task):
                    continue
                outcome = self._run(slot, task)
                self._handler.end(task, outcome)
            except Exception as exc:  # never let a bookkeeping error kill the manager thread
                try:
                    self._handler.end(task, Failed(0, f"Internal error of the local engine: {type(exc).__name__}: {exc}"))
                except Exception:
                    pass
            finally:
                with self._lock:
                    slot.current = None

    def _watchdog(self, slot: _Slot, task: FileTask) -> threading.Timer | None:
        """Kill the worker if ``task`` runs past the per-file time limit (a fresh worker takes the next file)."""
        limit = self.limits.file_timeout
        if limit <= 0:
            return None

        def expire() -> None:
            with self._lock:
                if slot.current is task and not slot.killed:
                    slot.killed = slot.timed_out = True
                    slot.worker.kill()

        timer = threading.Timer(limit + task.file_delay, expire)
        timer.daemon = True
        timer.start()
        return timer

    def _run(self, slot: _Slot, task: FileTask) -> Outcome:
        worker = slot.worker
        try:
            worker.ensure_started()
            with self._lock:
                killed = slot.killed
            if killed:  # cancelled while the process was starting: it may be dying, use a fresh one next
                worker.discard()
                return Killed()
            worker.send(task)
            watchdog = self._watchdog(slot, task)
            try:
                while True:
                    reply = worker.recv()
                    if isinstance(reply, Failed) and reply.worker_exits:
                        worker.discard()  # it is exiting: the next file must not be sent to it
                    if isinstance(reply, (Succeeded, Failed)):
                        return reply
                    self._handler.progress(task, reply)
            finally:
                if watchdog is not None:
                    watchdog.cancel()
        except (EOFError, OSError):
            with self._lock:
                killed, timed_out = slot.killed, slot.timed_out
            code = worker.discard()  # waits for it, so the exit status is known
            if timed_out:
                return Failed(0, time_limit_message(self.limits.file_timeout))
            if killed or self._closing:
                return Killed()
            if code == OUT_OF_MEMORY_EXIT:
                return Failed(0, memory_message(self.limits.memory_mb))
            return Failed(
                0,
                f"The worker process processing this file crashed (exit status {code}); "
                "the file may be too large or malformed for the local engine"
                + (
                    f" (each worker may use {self.limits.memory_mb} MB: --worker-memory-mb raises it)."
                    if self.limits.memory_mb
                    else "."
                ),
            )
