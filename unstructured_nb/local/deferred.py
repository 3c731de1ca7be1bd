"""Bookkeeping writes the database refused (disk full, read-only, locked), kept in order and retried until they go through.

A file's outcome must reach the database, or its job stays IN_PROGRESS for ever. When a
write fails with a database or OS error, the write is kept here and retried every
``interval`` seconds from one daemon thread, in the order the writes were made, so the
job ends as soon as space is freed (and a clean stop tries once more). Every write given
here must be safe to repeat (the store's transitions are conditional: first writer wins).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections import deque
from collections.abc import Callable

from .write_errors import write_cause

__all__ = ["DeferredWrites", "is_write_error"]

log = logging.getLogger("unstructured_nb.local")


def is_write_error(exc: BaseException) -> bool:
    """True for the errors a full disk or a read-only database raises (not for a bug in the caller)."""
    return isinstance(exc, (sqlite3.OperationalError, OSError))


class DeferredWrites:
    """Run a write now; if the database refuses it, keep it and retry it (and the ones after it) later."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = float(interval)
        self._pending: deque[tuple[str, Callable[[], None]]] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        self.last_error: BaseException | None = None

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def run(self, what: str, write: Callable[[], None]) -> None:
        """Do ``write`` now, after any writes still waiting; on a write error keep it for later."""
        with self._lock:
            if not self._pending:
                try:
                    write()
                    return
                except Exception as exc:
                    if not is_write_error(exc):
                        raise
                    self._note(exc, what)
            self._pending.append((what, write))
            self._ensure_thread()

    def flush(self) -> bool:
        """Try every waiting write now, in order; True when none is left."""
        with self._lock:
            while self._pending:
                what, write = self._pending[0]
                try:
                    write()
                except Exception as exc:
                    if not is_write_error(exc):
                        log.exception("dropping a deferred write (%s) that failed with a bug", what)
                        self._pending.popleft()
                        continue
                    self._note(exc, what)
                    return False
                self._pending.popleft()
            if self.last_error is not None:
                log.warning("unstructured-nb: the database accepts writes again; the delayed job updates are recorded.")
                self.last_error = None
            return True

    def close(self) -> bool:
        """Stop retrying after one last try; True when every write went through."""
        self._closed = True
        self._wake.set()
        return self.flush()

    def _note(self, exc: BaseException, what: str) -> None:
        if self.last_error is None:  # once per outage, not once per retry
            log.warning(
                "unstructured-nb: cannot record %s in the database (%s: %s); retrying every %g s until it can.",
                what,
                write_cause(exc),
                exc,
                self.interval,
            )
        self.last_error = exc

    def _ensure_thread(self) -> None:  # called holding the lock
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._loop, name="unstructured-nb-deferred-writes", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            self._wake.wait(self.interval)
            self.flush()
            with self._lock:
                if not self._pending or self._closed:
                    self._thread = None  # a later write starts a new thread
                    return
