"""Job bookkeeping: queueing a job's files, recording progress, final statuses, cancel, restart.

The store is the single source of truth; every transition is a conditional UPDATE
("first writer wins"), so a cancel racing a file that just finished, or two files of a
job finishing at once, can never move a job backwards or finalise it twice.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .deferred import DeferredWrites, is_write_error
from .limits import WorkerLimits
from .on_demand import OnDemandQueue
from .rows import FileRow, JobRow
from .store import Store
from .worker import FileTask, WorkerPool
from .worker.messages import Failed, NodeFinished, Outcome, Progress, Succeeded
from .write_errors import write_failure

__all__ = ["INTERRUPTED_MESSAGE", "JobManager"]

INTERRUPTED_MESSAGE = (
    "The local engine stopped while this job was running (it was killed or crashed), so the job was interrupted. "
    "Outputs of files finished before the interruption are kept; run the workflow again to process the others."
)
CANCELLED_MESSAGE = "Stopped by a cancel request."


class JobManager:
    """Feeds jobs to a :class:`WorkerPool` and writes what happens to the :class:`Store`."""

    def __init__(
        self,
        store: Store,
        data_dir: Path,
        workers: int,
        *,
        file_delay: float = 0.0,
        on_demand: OnDemandQueue | None = None,
        worker_limits: WorkerLimits | None = None,
    ) -> None:
        self.store = store
        self.data_dir = Path(data_dir)
        self.file_delay = float(file_delay)
        self.pool = WorkerPool(workers, self, worker_limits or WorkerLimits())
        self.on_demand = on_demand or OnDemandQueue()
        # outcomes the database refused (disk full, read-only): retried until they are recorded
        self.deferred = DeferredWrites()

    # -- layout: every path is built from engine-generated ids, never from user input ----

    def job_dir(self, job_id: str) -> Path:
        return self.data_dir / "jobs" / job_id

    def output_dir(self, job_id: str, file_id: str) -> Path:
        return self.job_dir(job_id) / "outputs" / file_id

    def output_path(self, job_id: str, file_id: str, node_index: int) -> Path:
        return self.output_dir(job_id, file_id) / f"{node_index}.json"

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self.recover()
        self.pool.start()

    def close(self) -> None:
        """Stop the workers. Jobs they were running go back to SCHEDULED and resume at the next start:
        a clean stop loses nothing (only a crash leaves jobs FAILED, see :meth:`recover`)."""
        self.pool.close()
        self.deferred.close()  # one last try: outcomes still unrecorded are failed as interrupted at the next start
        try:
            for job in self.store.jobs_with_status("IN_PROGRESS"):
                self.store.requeue_job(job.id)
        except Exception as exc:
            if not is_write_error(exc):
                raise

    def recover(self) -> None:
        """After a restart: jobs that were running are FAILED with a message; queued ones run now.

        A job that never started is safe to run again (its uploads are on disk). A job that
        was mid-way is not resumed: whatever killed the engine may kill it again, and a
        clear final state beats a job that silently restarts.
        """
        for job in self.store.jobs_with_status("IN_PROGRESS"):
            self.store.stop_pending_files(
                job.id, "Not processed: the local engine stopped while this job was running.", status="failure"
            )
            self.store.finish_job(job.id, "FAILED", INTERRUPTED_MESSAGE, only_if=("IN_PROGRESS",))
        for job in self.store.jobs_with_status("SCHEDULED"):
            self.store.requeue_job(job.id)  # a file caught between "started" and its job's start
            self.enqueue(job)
        self._remove_orphans()

    def _remove_orphans(self) -> None:
        """Upload folders of runs that never became jobs (the engine died mid-upload)."""
        root = self.data_dir / "jobs"
        known = self.store.job_ids()
        for entry in root.iterdir() if root.is_dir() else ():
            if entry.is_dir() and entry.name not in known:
                shutil.rmtree(entry, ignore_errors=True)

    def enqueue_on_demand(self, job: JobRow) -> None:
        """An on-demand job: run now if fewer than ``max_running`` run, else it waits SCHEDULED for its turn."""
        if self.on_demand.admit(job):
            self.enqueue(job)

    def _release(self, job_id: str) -> None:
        for job in self.on_demand.finished(job_id):
            self.enqueue(job)

    def enqueue(self, job: JobRow) -> None:
        for f in self.store.pending_files(job.id):
            self.pool.submit(self._task(job, f))

    def _task(self, job: JobRow, f: FileRow) -> FileTask:
        return FileTask(
            job_id=job.id,
            file_id=f.id,
            input_path=self.data_dir / f.path,
            output_dir=self.output_dir(job.id, f.id),
            filename=f.name,
            nodes=job.nodes,
            file_delay=self.file_delay,
        )

    def cancel(self, job_id: str) -> bool:
        """Stop a job now: pending files are dropped, running ones killed. False if already final."""
        changed = self.store.finish_job(job_id, "STOPPED", CANCELLED_MESSAGE)
        self.store.stop_pending_files(job_id, "Not processed: the job was cancelled.")
        self.pool.cancel(job_id)
        self._release(job_id)
        return changed

    # -- TaskHandler (called from the pool's manager threads) ----------------------------------

    def begin(self, task: FileTask) -> bool:
        try:
            if not self.store.start_file(task.file_id):
                return False  # cancelled (or finished by a previous engine) while queued
            self.store.start_job(task.job_id)
        except Exception as exc:
            if not is_write_error(exc):
                raise
            # the database refuses writes (disk full, read-only): the file fails, recorded once it can be
            message = write_failure("this file's start in the engine's database", self.store.path, exc)
            self.end(task, Failed(0, message))
            return False
        return True

    def progress(self, task: FileTask, message: Progress) -> None:
        if isinstance(message, NodeFinished):
            try:
                self.store.node_done(task.file_id, message.node_index + 1)
            except Exception as exc:  # progress is best effort: the outcome is what must be recorded
                if not is_write_error(exc):
                    raise

    def end(self, task: FileTask, outcome: Outcome) -> None:
        """Record the file's outcome and maybe its job's end; kept and retried while the database refuses writes."""
        if not isinstance(outcome, (Succeeded, Failed)) and self.pool.closing:
            return  # shutdown: close() puts the job back in the queue
        self.deferred.run(f"the outcome of file {task.file_id} of job {task.job_id}", lambda: self._record(task, outcome))

    def _record(self, task: FileTask, outcome: Outcome) -> None:
        if isinstance(outcome, Succeeded):
            self.store.finish_file(task.file_id, "success", done_nodes=len(task.nodes), warnings=outcome.warnings)
        elif isinstance(outcome, Failed):
            self.store.finish_file(
                task.file_id,
                "failure",
                done_nodes=outcome.node_index,
                failed_node=outcome.node_index,
                error=outcome.error,
                warnings=outcome.warnings,
            )
        else:  # killed by a cancel, which already recorded the file
            self.store.finish_file(task.file_id, "stopped", error="Not processed: the job was cancelled.")
        self._maybe_finish(task.job_id)

    def _maybe_finish(self, job_id: str) -> None:
        if self.store.count_pending(job_id):
            return
        files = self.store.job_files(job_id)
        ok = sum(1 for f in files if f.status == "success")
        failed = sum(1 for f in files if f.status == "failure")
        status = "FAILED" if ok == 0 and failed > 0 else "COMPLETED"
        self.store.finish_job(job_id, status, only_if=("IN_PROGRESS", "SCHEDULED"))
        self._release(job_id)
