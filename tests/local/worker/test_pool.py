"""The worker pool's cancel, with the timing windows forced open (real worker processes, no server, no sleeps)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from unstructured_nb.local.worker import FileTask, WorkerPool
from unstructured_nb.local.worker.messages import Killed, Outcome, Progress, Succeeded

pytestmark = pytest.mark.engine


class Handler:
    """Records results; ``begin`` can be held to reproduce a cancel landing right then."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.results: dict[str, Outcome] = {}
        self.done = threading.Condition()

    def begin(self, task: FileTask) -> bool:
        self.entered.set()
        assert self.release.wait(30)
        return True

    def progress(self, task: FileTask, message: Progress) -> None:
        pass

    def end(self, task: FileTask, outcome: Outcome) -> None:
        with self.done:
            self.results[task.file_id] = outcome
            self.done.notify_all()

    def wait_result(self, file_id: str, timeout: float) -> Outcome:
        with self.done:
            assert self.done.wait_for(lambda: file_id in self.results, timeout), f"no result for {file_id}"
            return self.results[file_id]


def _task(tmp_path: Path, job_id: str, file_id: str, delay: float) -> FileTask:
    src = tmp_path / f"{file_id}.txt"
    src.write_text("A short document.\n\nIt has two paragraphs of text for the partitioner.\n")
    return FileTask(
        job_id=job_id,
        file_id=file_id,
        input_path=src,
        output_dir=tmp_path / file_id,
        filename="doc.txt",
        nodes=[{"name": "Partitioner", "type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}],
        file_delay=delay,
    )


def test_cancel_between_marking_the_file_running_and_starting_it(tmp_path: Path) -> None:
    handler = Handler()
    pool = WorkerPool(1, handler)
    pool.start()
    try:
        pool.submit(_task(tmp_path, "job-1", "f1", delay=60.0))  # would take a minute if it ever ran
        assert handler.entered.wait(30)
        pool.cancel("job-1")  # lands while the file is being marked running
        handler.release.set()
        started = time.monotonic()
        assert handler.wait_result("f1", 30) == Killed()
        assert time.monotonic() - started < 30  # not the file's 60 s

        # the worker is free again for the next job, which runs normally
        pool.submit(_task(tmp_path, "job-2", "f2", delay=0.0))
        outcome = handler.wait_result("f2", 60)
        assert isinstance(outcome, Succeeded), outcome
    finally:
        handler.release.set()
        pool.close()


def test_workers_import_the_engines_package_wherever_the_user_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder named unstructured_nb in the working directory must not stand in for the real package."""
    decoy = tmp_path / "cwd" / "unstructured_nb"
    decoy.mkdir(parents=True)
    (decoy / "__init__.py").write_text("raise ImportError('the decoy package was imported')\n")
    monkeypatch.chdir(decoy.parent)
    handler = Handler()
    handler.release.set()
    pool = WorkerPool(1, handler)
    pool.start()
    try:
        pool.submit(_task(tmp_path, "job-1", "f1", delay=0.0))
        outcome = handler.wait_result("f1", 60)
        assert isinstance(outcome, Succeeded), outcome
    finally:
        pool.close()
