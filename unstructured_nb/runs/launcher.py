"""When an on-demand job may be launched: one gate per API URL, shared by every run of the session.

The platform refuses a launch less than ``launch_interval`` after the previous one and keeps
jobs beyond ``max_running`` waiting; the gate makes a run wait for its turn instead. Spacing
is counted from the previous launch's *answer*, so the server sees the launches at least
the interval apart whatever the network's delays, and one launch is in flight at a time.
A job counts as running until its run has seen it end.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .limits import OnDemandLimits

if TYPE_CHECKING:  # pragma: no cover
    from .run import Run

__all__ = ["LaunchGate", "gate_for"]


class LaunchGate:
    """The launches of one API URL: the time of the last one, and the jobs they started that still run."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._last: float | None = None
        self._in_flight = False
        self._running: list[Run] = []
        self._not_before = 0.0

    def running(self) -> int:
        """On-demand jobs launched through this gate that have not been seen to end."""
        with self._cond:
            self._running = [r for r in self._running if not r.done]
            return len(self._running)

    def acquire(self, limits: OnDemandLimits, stop: threading.Event) -> bool:
        """Block until a launch is allowed, then hold the turn; False (and no turn) once ``stop`` is set."""
        with self._cond:
            while not stop.is_set():
                self._running = [r for r in self._running if not r.done]
                now = self._clock()
                spaced = max(self._not_before, (self._last + limits.launch_interval) if self._last is not None else now)
                if not self._in_flight and len(self._running) < limits.max_running and now >= spaced:
                    self._in_flight = True
                    return True
                # short waits: a job's end is noticed through changed(), stop through this timeout
                self._cond.wait(min(0.25, max(0.005, spaced - now)))
            return False

    def release(self, run: Run | None, *, retry_after: float | None = None) -> None:
        """End the turn: ``run`` is the job it started (None if none), ``retry_after`` a server's request to wait."""
        with self._cond:
            self._in_flight = False
            self._last = self._clock()
            if retry_after is not None:
                self._not_before = self._last + retry_after
            if run is not None:
                self._running.append(run)
            self._cond.notify_all()

    def changed(self) -> None:
        """A followed job changed (it may have ended): let waiting launches look again."""
        with self._cond:
            self._cond.notify_all()


_GATES: dict[str, LaunchGate] = {}
_LOCK = threading.Lock()


def gate_for(api_url: str) -> LaunchGate:
    """The session's gate of ``api_url`` (created on first use)."""
    with _LOCK:
        gate = _GATES.get(api_url)
        if gate is None:
            gate = _GATES[api_url] = LaunchGate()
        return gate
