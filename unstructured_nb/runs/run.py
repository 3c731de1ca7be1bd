"""``Run``: one job being followed: its latest state, its results, and the controls a user has over it.

The tracker thread keeps a run current through its public update interface
(:meth:`Run.apply`, :meth:`Run.finish`, :meth:`Run.notify`); everything a view shows is
read through :meth:`Run.snapshot`. No IPython and no widgets here; DataFrames are built
by ``render.frames``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from .. import hints
from ..client.protocol import ClientProtocol
from ..errors import UnstructuredError, WaitTimeoutError
from ..models import FailedFile, Job, JobDetails, JobProcessingStatus, JobStatus, Workflow, WorkflowNode
from ..render.snapshot import RunSnapshot
from .cancel import CancelOutcome, cancel
from .following import Followable
from .outputs import Cache, Outputs, collect
from .tracker import RunUpdate, Tracker, default_tracker

__all__ = ["Run"]

log = logging.getLogger("unstructured_nb.runs")


class Run(Followable):
    """A workflow job being followed: its latest state, results and controls.

    ``run.status`` and ``run.job`` are refreshed in the background by the tracker;
    ``run.wait()`` (or ``await run``) blocks until the job ends; ``run.elements()`` gives
    every output element as one DataFrame. Its text and HTML reprs are the status table.
    """

    def __init__(
        self,
        job: Job,
        client: ClientProtocol,
        *,
        files: Sequence[str] = (),
        sources: Mapping[str, Any] | None = None,
        workflow: Workflow | None = None,
        poll: float | None = None,
        tracker: Tracker | None = None,
    ) -> None:
        super().__init__()
        self._job = job
        self._client = client
        self._workflow = workflow
        self._files = list(files)
        self.sources = dict(sources or {})
        self._poll = poll
        self._tracker = tracker
        self._details: JobDetails | None = None
        self._failed: list[FailedFile] | None = None
        self._last_error: UnstructuredError | None = None
        self._last_polled: datetime | None = None
        self._started = time.monotonic()
        self._ended: float | None = self._started if job.done else None
        self._cache: Cache = {}  # downloaded outputs by (file id, node id)

    # -- state ---------------------------------------------------------------------------
    @property
    def job(self) -> Job:
        """The latest ``Job`` seen."""
        return self._job

    @property
    def job_id(self) -> str:
        return self._job.id

    @property
    def status(self) -> JobStatus:
        return self._job.status

    @property
    def done(self) -> bool:
        """True once the job is COMPLETED, FAILED or STOPPED."""
        return self._job.done

    @property
    def workflow_name(self) -> str:
        if self._job.workflow_name:
            return self._job.workflow_name
        return self._workflow.name if self._workflow else ""

    @property
    def files(self) -> list[str]:
        """Input file names (or ids, for an attached job whose names are unknown)."""
        return list(self._files) if self._files else list(self._job.input_file_ids)

    @property
    def workflow(self) -> Workflow | None:
        """The workflow, when known (always for a run started here)."""
        return self._workflow

    def name_files(self, names: Sequence[str]) -> None:
        """The input files' names, in ``job.input_file_ids`` order (an attached job learns them from the server)."""
        with self._lock:
            self._files = list(names)

    @property
    def details(self) -> JobDetails | None:
        """Latest per-node details (while running and at the end), if fetched."""
        return self._details

    @property
    def failed_files(self) -> list[FailedFile] | None:
        """Files the job could not process (fetched when it ends with failures)."""
        return self._failed

    @property
    def last_error(self) -> UnstructuredError | None:
        """The latest polling error; cleared by the next successful poll."""
        return self._last_error

    @property
    def last_polled(self) -> datetime | None:
        return self._last_polled

    @property
    def client(self) -> ClientProtocol:
        return self._client

    @property
    def poll_interval(self) -> float | None:
        """The fixed seconds between polls this run asked for (None: the tracker adapts)."""
        return self._poll

    def elapsed_seconds(self) -> float | None:
        """The job's runtime when known, else the time since it was created (or started here)."""
        if self._job.done and self._job.runtime_seconds is not None:
            return self._job.runtime_seconds
        created = self._job.created_at
        end = self._ended if self._ended is not None else time.monotonic()
        local = end - self._started
        if created is not None and self._ended is None:
            wall = (datetime.now(timezone.utc) - created).total_seconds()
            if 0 <= wall < 7 * 86400:
                return max(wall, local)
        return local

    def snapshot(self) -> RunSnapshot:
        """The run at this moment, as every view draws it."""
        with self._lock:
            return RunSnapshot.of(
                self._job,
                workflow=self.workflow_name,
                files=self.files,
                details=self._details,
                failed=self._failed,
                error=self._last_error,
                last_polled=self._last_polled,
                elapsed=self.elapsed_seconds(),
                finished=self.finished,
                final_node=self._final_node(),
            )

    def _final_node(self) -> str | None:
        nodes = self._workflow.workflow_nodes if self._workflow is not None else ()
        return nodes[-1].id if nodes else None

    # -- the tracker's interface -----------------------------------------------------------
    def apply(self, update: RunUpdate) -> bool:
        """Record what a poll learned; True if anything a view shows changed."""
        with self._lock:
            changed = False
            if update.job is not None:
                # every status poll is a change: "last polled" and "elapsed" are in the table
                changed = True
                was_done = self._job.done
                self._job = update.job
                self._last_error = None
                self._last_polled = datetime.now(timezone.utc)
                if update.job.done and not was_done:
                    self._ended = time.monotonic()
            if update.details is not None:
                changed = changed or update.details != self._details
                self._details = update.details
            if update.failed is not None:
                failed = list(update.failed)
                changed = changed or failed != self._failed
                self._failed = failed
            if update.error is not None:
                changed = changed or self._last_error is None or str(self._last_error) != str(update.error)
                self._last_error = update.error
        return changed

    def needs_failed_files(self) -> bool:
        """True when the job ended (or runs) with failures, so its failed-files list is worth fetching."""
        if self._job.status == JobStatus.FAILED:
            return True
        d = self._details
        if d is None:
            return False
        bad = (JobProcessingStatus.COMPLETED_WITH_ERRORS, JobProcessingStatus.FAILED)
        return d.processing_status in bad or any(n.failure for n in d.node_stats)

    def finish(self) -> None:
        """Mark tracking as ended (the job is over and its final state is in, or it was lost)."""
        with self._lock:
            if self._ended is None:
                self._ended = time.monotonic()
        self._finished.set()

    # -- subscription and following -----------------------------------------------------------
    def track(self, tracker: Tracker | None = None) -> Run:
        """Have the tracker follow this run (the shared one by default); no-op once finished."""
        if self._finished.is_set():
            return self
        if tracker is not None:
            self._tracker = tracker
        if self._tracker is None:
            self._tracker = default_tracker()
        self._tracker.track(self)
        return self

    def _wait_timeout(self, timeout: float) -> WaitTimeoutError:
        return WaitTimeoutError(
            f"Stopped waiting for job {self.job_id} after {timeout:g} s; it is still {self.status.value}",
            hint=f"Wait longer with run.wait(), cancel it with {hints.cancel(self.job_id)}, or follow it later "
            f"with {hints.attach(self.job_id)}",
        )

    def cancel(self) -> CancelOutcome:
        """Ask the server to stop the job; says what it did (nothing is sent for a job that already ended)."""
        return cancel(self)

    def poll_soon(self) -> None:
        """Have the tracker poll this run as soon as its budget allows (after a cancel, say)."""
        self.track()
        if self._tracker is not None:
            self._tracker.poke(self)

    def retry_failed(self, **kwargs: Any) -> Run:
        """Start a new job of the same workflow with only the files that failed; returns its Run.

        Needs what this run sent (``run.sources``): an attached job's files are not at hand,
        and the error names them. ``kwargs`` go to ``start_run`` (``poll=``, say).
        """
        from .again import retry_failed

        return retry_failed(self, **kwargs)

    def refresh(self) -> Run:
        """Fetch the job (and its details) now, in this thread; returns the run."""
        job = self._client.get_job(self.job_id)
        changed = self.apply(RunUpdate(job=job))
        if job.status == JobStatus.IN_PROGRESS or job.done:
            try:
                changed = self.apply(RunUpdate(details=self._client.get_job_details(self.job_id))) or changed
            except UnstructuredError as err:
                log.debug("details of %s unavailable: %s", self.job_id, err)
        if self.needs_failed_files() and self._failed is None:
            try:
                changed = self.apply(RunUpdate(failed=self._client.get_job_failed_files(self.job_id))) or changed
            except UnstructuredError as err:
                log.debug("failed files of %s unavailable: %s", self.job_id, err)
        if changed:
            self.notify()
        return self

    # -- results ---------------------------------------------------------------------------
    def outputs(self, strict: bool = False) -> Outputs:
        """Every output file's elements: ``{input file: {node: [element, ...]}}``, nodes in workflow order.

        Downloaded once (asking again while a job runs fetches only what is new). On a job
        that is running, stopped or partly failed: what is there, with a one-line note on
        stderr; ``strict=True`` raises ``JobNotCompletedError`` instead.
        """
        return self._collect(strict=strict, all_nodes=True)

    def _collect(self, *, strict: bool, all_nodes: bool, quiet: bool = False) -> Outputs:
        snap, nodes = self.snapshot(), self._workflow_nodes()
        outputs, note = collect(
            self._client,
            self._job,
            nodes,
            self._cache,
            total=len(snap.files),
            failed=snap.failed_count,
            strict=strict,
            all_nodes=all_nodes,
        )
        if note and not quiet:  # one line, where a notebook shows it apart from the result
            print(note, file=sys.stderr)
        return outputs

    def _workflow_nodes(self) -> tuple[WorkflowNode, ...]:
        workflow = self._workflow
        if workflow is None:
            try:
                workflow = self._workflow = self._client.get_workflow(self._job.workflow_id)
            except UnstructuredError:
                return ()
        return workflow.workflow_nodes
