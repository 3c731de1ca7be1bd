"""FairQueue: files served round-robin between jobs, in order within a job; close wakes every waiting get."""

from __future__ import annotations

import threading
from pathlib import Path

from unstructured_nb.local.worker import FileTask
from unstructured_nb.local.worker.fair_queue import FairQueue


def _task(job_id: str, file_id: str) -> FileTask:
    return FileTask(job_id, file_id, Path("in"), Path("out"), "a.txt", nodes=[])


def _drain(queue: FairQueue, n: int) -> list[str]:
    out = []
    for _ in range(n):
        task = queue.get()
        assert task is not None
        out.append(task.file_id)
    return out


def test_round_robin_between_jobs_fifo_within_one() -> None:
    queue = FairQueue()
    for i in range(4):
        queue.put(_task("big", f"b{i}"))
    queue.put(_task("small", "s0"))
    queue.put(_task("mid", "m0"))
    queue.put(_task("mid", "m1"))
    assert _drain(queue, 7) == ["b0", "s0", "m0", "b1", "m1", "b2", "b3"]


def test_a_job_that_comes_back_goes_to_the_end() -> None:
    queue = FairQueue()
    queue.put(_task("a", "a0"))
    assert _drain(queue, 1) == ["a0"]
    queue.put(_task("b", "b0"))
    queue.put(_task("a", "a1"))
    assert _drain(queue, 2) == ["b0", "a1"]


def test_close_wakes_waiting_getters() -> None:
    queue = FairQueue()
    results: list[FileTask | None] = []
    getters = [threading.Thread(target=lambda: results.append(queue.get())) for _ in range(3)]
    for t in getters:
        t.start()
    queue.close()
    for t in getters:
        t.join(timeout=10)
        assert not t.is_alive()
    assert results == [None, None, None]
    queue.put(_task("late", "x"))
    assert queue.get() is None  # closed stays closed
