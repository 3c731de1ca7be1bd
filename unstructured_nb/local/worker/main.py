"""The worker process's main loop: run the file tasks the engine sends over the pipe, one at a time, until told to stop."""

from __future__ import annotations

import ctypes
import os
import signal
from multiprocessing.connection import Connection

from ..private_files import PRIVATE_UMASK
from .execute import process_file
from .messages import Failed, FileTask, Succeeded

__all__ = ["main", "serve_tasks"]


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


def serve_tasks(conn: Connection) -> None:
    """Answer each :class:`FileTask` with progress and an outcome; return on ``None`` or a closed pipe."""
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if not isinstance(task, FileTask):  # None: the engine is closing
            return
        result: Succeeded | Failed
        try:
            result = process_file(task, conn.send)
        except Exception as exc:  # e.g. the input vanished from disk
            result = Failed(0, f"The local engine could not read this file: {type(exc).__name__}: {exc}")
        try:
            conn.send(result)
        except (EOFError, OSError):
            return


def main(argv: list[str]) -> None:
    """``python -m unstructured_nb.local.worker FD [PARENT_PID]``: FD is this end of the pool's socketpair."""
    die_with_parent(int(argv[2]) if len(argv) > 2 else None)
    os.umask(PRIVATE_UMASK)  # outputs are the user's documents too
    serve_tasks(Connection(int(argv[1])))
