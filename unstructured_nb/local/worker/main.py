"""The worker process's main loop: run the file tasks the engine sends over the pipe, one at a time, until told to stop."""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from multiprocessing.connection import Connection

from ..private_files import PRIVATE_UMASK
from .execute import process_file
from .messages import OUT_OF_MEMORY_EXIT, Failed, FileTask, Succeeded, memory_message

__all__ = ["limit_memory", "main", "serve_tasks"]


def die_with_parent(parent_pid: int | None = None) -> None:
    """Ask Linux to SIGKILL this process when its parent dies (a killed engine leaves no orphan workers)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except Exception:  # not Linux: the pipe's EOF still ends idle workers
        return
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(0)  # the parent died before prctl took effect


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space (RLIMIT_AS): a bomb raises MemoryError here instead of sinking the machine."""
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def serve_tasks(conn: Connection, memory_mb: int = 0) -> None:
    """Answer each :class:`FileTask` with progress and an outcome; return on ``None`` or a closed pipe."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if not isinstance(task, FileTask):  # None: the engine is closing
            return
        result: Succeeded | Failed | None
        try:
            result = process_file(task, conn.send)
        except MemoryError:
            result = None
        except Exception as exc:  # e.g. the input vanished from disk
            result = Failed(0, f"The local engine could not read this file: {type(exc).__name__}: {exc}")
        if result is None:  # out of memory: report it, then exit (the heap may be in pieces; a fresh worker follows)
            try:
                conn.send(Failed(0, memory_message(memory_mb), worker_exits=True))
            finally:
                os._exit(OUT_OF_MEMORY_EXIT)
        try:
            conn.send(result)
        except (EOFError, OSError):
            return


def main(argv: list[str]) -> None:
    """``python -m unstructured_nb.local.worker FD [PARENT_PID [MEMORY_MB]]``: FD is this end of the pool's socketpair."""
    die_with_parent(int(argv[2]) if len(argv) > 2 else None)
    os.umask(PRIVATE_UMASK)  # outputs are the user's documents too
    memory_mb = int(argv[3]) if len(argv) > 3 else 0
    limit_memory(memory_mb)
    serve_tasks(Connection(int(argv[1])), memory_mb)
