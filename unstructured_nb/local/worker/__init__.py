"""Worker processes that run a workflow's nodes on one file at a time, for the job manager.

- :mod:`.pool`: :class:`WorkerPool`, the per-worker manager threads, cancel and crash handling;
- :mod:`.fair_queue`: the round-robin queue of file tasks between jobs;
- :mod:`.process`: one worker subprocess and its pipe;
- :mod:`.messages`: the typed protocol (:class:`FileTask` in, progress and an outcome back);
- :mod:`.main` and :mod:`.execute`: the worker process itself, and what it does with one file.
"""

from __future__ import annotations

from .execute import process_file
from .messages import FileTask
from .pool import TaskHandler, WorkerPool

__all__ = ["FileTask", "TaskHandler", "WorkerPool", "process_file"]
