"""One worker process: spawn it (``python -m unstructured_nb.local.worker``), talk to it over a socketpair, kill it.

Workers are plain subprocesses talking over a socketpair with ``multiprocessing.connection``
framing, not ``multiprocessing`` processes: those re-import the parent's ``__main__`` (a
user's unguarded script would run again in every worker), and ``fork`` is unsafe in the
multi-threaded engine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

from ...config import ENV_KEY, ENV_SERVER_KEY
from .messages import Failed, FileTask, NodeFinished, NodeStarted, Succeeded, WorkerReply

__all__ = ["WorkerProcess"]


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[3])


def _child_env() -> dict[str, str]:
    """The worker must import this very package, even when it is not installed (a checkout on sys.path)."""
    env = dict(os.environ)
    root = _package_root()
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if root not in parts:
        env["PYTHONPATH"] = os.pathsep.join([root, *parts])
    env.pop(ENV_SERVER_KEY, None)  # workers never need a key
    env.pop(ENV_KEY, None)
    return env


class WorkerProcess:
    """A worker subprocess and this end of its pipe; started on demand, replaced after a kill or a crash."""

    def __init__(self, memory_mb: int = 0) -> None:
        self.memory_mb = memory_mb  # the worker's RLIMIT_AS (0: none)
        self._process: subprocess.Popen[bytes] | None = None
        self._conn: Connection | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def ensure_started(self) -> None:
        """Start a process unless one is running (a dead one is discarded first)."""
        if self.alive():
            return
        self.discard()
        parent, child = socket.socketpair()
        try:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "unstructured_nb.local.worker",
                    str(child.fileno()),
                    str(os.getpid()),
                    str(self.memory_mb),
                ],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                env=_child_env(),
                # `-m` puts the working directory first on sys.path: run from the package's own root, so
                # a folder named unstructured_nb where the user happens to be cannot stand in for it
                cwd=_package_root(),
                close_fds=True,
            )
        except BaseException:
            parent.close()
            raise
        finally:
            child.close()
        self._process, self._conn = proc, Connection(parent.detach())

    def send(self, task: FileTask | None) -> None:
        """Send a task, or ``None`` to let an idle worker exit. Raises OSError when the process is gone."""
        if self._conn is None:
            raise OSError("the worker process is not running")
        self._conn.send(task)

    def recv(self) -> WorkerReply:
        """The worker's next message. Raises EOFError or OSError when the process died."""
        if self._conn is None:
            raise OSError("the worker process is not running")
        reply = self._conn.recv()
        if not isinstance(reply, (NodeStarted, NodeFinished, Succeeded, Failed)):
            raise OSError(f"the worker process sent an unexpected {type(reply).__name__}")
        return reply

    def kill(self) -> None:
        """SIGKILL the process (from any thread); the thread talking to it sees EOF."""
        proc = self._process  # read once: the manager thread may discard it meanwhile
        if proc is not None and proc.poll() is None:
            try:
                proc.kill()
            except ProcessLookupError:
                pass

    def discard(self) -> int | None:
        """Close the pipe and reap the process (killing it if needed); its exit status, if it had one."""
        proc, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        return proc.returncode
