"""The engine's side of the platform's on-demand limits: launch spacing, files per job, and jobs running at once.

``POST /jobs/`` asks :meth:`OnDemandQueue.check_upload` and :meth:`OnDemandQueue.launch`
(a 400, 413 or 429 answer, as the platform refuses them); :meth:`OnDemandQueue.admit` lets
at most ``max_running`` on-demand jobs run, the others wait SCHEDULED as on the platform
and are released, oldest first, as running ones end. The limits are the shared
:class:`~unstructured_nb.quotas.OnDemandLimits`, so a test engine can use small ones.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from ..quotas import PLATFORM_LIMITS, OnDemandLimits
from .rows import JobRow

__all__ = ["LimitRefused", "OnDemandQueue"]


class LimitRefused(Exception):
    """A launch the limits refuse: the HTTP status, the sentence for ``detail``, and the seconds to wait (429)."""

    def __init__(self, status: int, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


class OnDemandQueue:
    """The on-demand jobs of one engine: when the last was launched, which run, which wait."""

    def __init__(self, limits: OnDemandLimits | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits or PLATFORM_LIMITS
        self._clock = clock
        self._lock = threading.Lock()
        self._last: float | None = None
        self._running: set[str] = set()
        self._held: deque[JobRow] = deque()

    def check_upload(self, sizes: list[int]) -> None:
        """Refuse a job with too many files, or a file over the per-file limit (nothing is stored)."""
        limits = self.limits
        if len(sizes) > limits.files_per_job:
            raise LimitRefused(
                400,
                f"An on-demand job takes at most {limits.files_per_job} files and this one has {len(sizes)}; "
                "split them into several jobs (unstructured_nb does this for you).",
            )
        big = [s for s in sizes if s > limits.bytes_per_file]
        if big:
            raise LimitRefused(
                413,
                f"{len(big)} file(s) are over the on-demand limit of {limits.bytes_per_file} bytes per file "
                f"(the largest has {max(big)} bytes).",
            )

    def launch(self) -> None:
        """Record a launch now, or refuse it with a 429 if the previous one was less than ``launch_interval`` ago."""
        with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last < self.limits.launch_interval:
                wait = self.limits.launch_interval - (now - self._last)
                raise LimitRefused(
                    429,
                    f"On-demand jobs are launched at most one every {self.limits.launch_interval:g} s; "
                    f"wait {wait:.2f} s and try again.",
                    retry_after=max(1.0, math.ceil(wait)),
                )
            self._last = now

    def admit(self, job: JobRow) -> bool:
        """True if ``job`` may run now; else it waits (SCHEDULED) until :meth:`finished` releases it."""
        with self._lock:
            if len(self._running) < self.limits.max_running:
                self._running.add(job.id)
                return True
            self._held.append(job)
            return False

    def finished(self, job_id: str) -> list[JobRow]:
        """``job_id`` ended (or was cancelled): the waiting jobs that may run now, to enqueue."""
        with self._lock:
            self._running.discard(job_id)
            self._held = deque(j for j in self._held if j.id != job_id)
            released = []
            while self._held and len(self._running) < self.limits.max_running:
                job = self._held.popleft()
                self._running.add(job.id)
                released.append(job)
            return released

    def waiting(self) -> int:
        with self._lock:
            return len(self._held)
