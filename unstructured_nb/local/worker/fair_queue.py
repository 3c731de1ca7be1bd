"""The queue of file tasks: served round-robin between jobs, first-come first-served within a job."""

from __future__ import annotations

import collections
import threading

from .messages import FileTask

__all__ = ["FairQueue"]


class FairQueue:
    """Files of all jobs, served round-robin between jobs (first-come first-served within a job).

    A one-file run submitted after a 500-file run starts after at most one file of the big
    one per worker, instead of waiting for all 500. ``close`` wakes every waiting ``get``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._per_job: dict[str, collections.deque[FileTask]] = {}
        self._rotation: collections.deque[str] = collections.deque()
        self._closed = False

    def put(self, task: FileTask) -> None:
        with self._cond:
            tasks = self._per_job.get(task.job_id)
            if tasks is None:
                tasks = self._per_job[task.job_id] = collections.deque()
                self._rotation.append(task.job_id)
            tasks.append(task)
            self._cond.notify()

    def get(self) -> FileTask | None:
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
