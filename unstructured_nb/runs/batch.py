"""``BatchRun``: an on-demand run cut into as many jobs as the platform's limits need, followed as one.

The files are planned into jobs (``limits.plan_jobs``); the first job is launched at once,
in the caller's thread, so a bad template, key or node fails the call with nothing else
sent; the others are launched by a daemon thread whenever the API URL's gate
(``launcher``) allows. Each job is an ordinary :class:`~.run.Run` kept current by the
tracker; the batch's snapshot is their totals with one row per job, its outputs are theirs
merged, and one ``cancel`` stops the launches and every job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from ..client.protocol import ClientProtocol
from ..errors import JobNotCompletedError, RateLimitError, UnstructuredError, WaitTimeoutError, user_message
from ..models import JobStatus, Workflow
from ..render.snapshot import RunSnapshot
from ..render.style import short_id
from .following import Followable
from .inputs import InputFile
from .jobspec import JobSpec
from .launcher import LaunchGate, gate_for
from .limits import OnDemandLimits
from .outputs import Outputs
from .run import Run
from .sources import sources_of
from .tracker import Tracker

__all__ = ["BatchRun"]

log = logging.getLogger("unstructured_nb.runs")

#: A launch refused with 429 is tried again this many times (it provably did not start a job).
RATE_LIMIT_RETRIES = 20


class BatchRun(Followable):
    """On-demand jobs over many files, followed as one run.

    ``run.jobs`` are the launched jobs' :class:`Run` objects, ``run.job_ids`` their ids;
    ``run.status`` is COMPLETED once every job completed (FAILED if one failed or could not be
    launched, STOPPED after a cancel); ``run.elements()`` and ``run.search()`` cover every job.
    """

    def __init__(
        self,
        client: ClientProtocol,
        spec: JobSpec,
        chunks: Sequence[Sequence[InputFile]],
        *,
        limits: OnDemandLimits,
        poll: float | None = None,
        tracker: Tracker | None = None,
        gate: LaunchGate | None = None,
    ) -> None:
        super().__init__()
        if not chunks:
            raise ValueError("a batch needs at least one job's files")
        self._client = client
        self._spec = spec
        self._chunks = [tuple(c) for c in chunks]
        self.sources = sources_of(f for c in self._chunks for f in c)
        self._limits = limits
        self._poll = poll
        self._tracker = tracker
        self._gate = gate or gate_for(client.api_url)
        self._jobs: list[Run | None] = [None] * len(self._chunks)
        self._launch_error: UnstructuredError | None = None
        self._stop = threading.Event()  # no more launches: cancelled, or a launch failed
        self._cancelled = False
        self._launching = True
        self._started = time.monotonic()
        self._ended: float | None = None
        self._outputs: Outputs | None = None
        self._thread: threading.Thread | None = None

    # -- starting -------------------------------------------------------------------------
    def start(self) -> BatchRun:
        """Launch the first job now (its errors are raised here), the others in the background."""
        self._launch(0, raise_errors=True)
        if len(self._chunks) == 1:
            self._launches_over()
        else:
            self._thread = threading.Thread(target=self._launch_rest, name="unstructured-nb-launcher", daemon=True)
            self._thread.start()
        return self

    def _launch_rest(self) -> None:
        try:
            for index in range(1, len(self._chunks)):
                if not self._launch(index, raise_errors=False):
                    break
        except Exception:  # never leave the batch waiting on a dead thread
            log.exception("launching the jobs of a batch failed")
        finally:
            self._launches_over()

    def _launch(self, index: int, *, raise_errors: bool) -> bool:
        """Launch job ``index`` under the gate; True if it started."""
        files = self._chunks[index]
        for _ in range(RATE_LIMIT_RETRIES):
            if not self._gate.acquire(self._limits, self._stop):
                return False
            try:
                job = self._client.create_job(
                    template_id=self._spec.template_id,
                    job_nodes=[dict(n) for n in self._spec.job_nodes] if self._spec.job_nodes is not None else None,
                    files=[f.item for f in files],
                )
            except RateLimitError as err:  # refused, so not started: wait as asked and try again
                self._gate.release(None, retry_after=max(err.retry_after or 0.0, self._limits.launch_interval))
                last: UnstructuredError = err
                continue
            except UnstructuredError as err:
                self._gate.release(None)
                if raise_errors:
                    raise
                self._fail_launch(index, err)
                return False
            except BaseException:
                self._gate.release(None)
                raise
            names = [f.name for f in files]
            run = Run(
                job,
                self._client,
                files=names,
                sources=sources_of(files),
                workflow=self._workflow(job.workflow_id),
                poll=self._poll,
            )
            self._gate.release(run)
            with self._lock:
                self._jobs[index] = run
            run.on_change(self._job_changed)
            run.track(self._tracker)
            self.notify()
            return True
        if raise_errors:
            raise last
        self._fail_launch(index, last)
        return False

    def _workflow(self, workflow_id: str) -> Workflow:
        return Workflow(id=workflow_id, name=self._spec.name, workflow_nodes=self._spec.nodes)

    def _fail_launch(self, index: int, err: UnstructuredError) -> None:
        unsent = sum(len(c) for c in self._chunks[index:])
        log.debug("job %d of a batch could not be launched: %s", index + 1, err)
        with self._lock:
            self._launch_error = UnstructuredError(
                f"Job {index + 1} of {len(self._chunks)} could not be started, so its {unsent} files and the rest "
                f"were not sent: {user_message(err)}",
                hint="The jobs already started go on; run the files that were not sent again once the cause is fixed",
            )
        self._stop.set()

    def _launches_over(self) -> None:
        with self._lock:
            self._launching = False
        self._check_finished()
        self.notify()

    def _job_changed(self, _: Run) -> None:
        self._gate.changed()
        self._check_finished()
        self.notify()

    def _check_finished(self) -> None:
        with self._lock:
            if self._launching or self._finished.is_set():
                return
            if any(r is not None and not r.finished for r in self._jobs):
                return
            self._ended = time.monotonic()
        self._finished.set()

    # -- state ----------------------------------------------------------------------------
    @property
    def jobs(self) -> list[Run]:
        """The launched jobs, in launch order."""
        with self._lock:
            return [r for r in self._jobs if r is not None]

    @property
    def job_ids(self) -> list[str]:
        return [r.job_id for r in self.jobs]

    @property
    def job_id(self) -> str:
        """The first job's id (``job_ids`` has them all)."""
        jobs = self.jobs
        return jobs[0].job_id if jobs else ""

    @property
    def workflow_name(self) -> str:
        return self._spec.name

    @property
    def spec(self) -> JobSpec:
        return self._spec

    @property
    def files(self) -> list[str]:
        return [f.name for chunk in self._chunks for f in chunk]

    @property
    def client(self) -> ClientProtocol:
        return self._client

    @property
    def launch_error(self) -> UnstructuredError | None:
        """Why the remaining jobs were not launched, if one could not be."""
        return self._launch_error

    @property
    def last_error(self) -> UnstructuredError | None:
        for run in self.jobs:
            if run.finished and not run.done and run.last_error is not None:
                return run.last_error
        return None

    @property
    def done(self) -> bool:
        """True once every job ended, and no more will be launched."""
        with self._lock:
            if self._launching:
                return False
            return all(r is None or r.done for r in self._jobs)

    @property
    def status(self) -> JobStatus:
        with self._lock:
            launched = [r for r in self._jobs if r is not None]
            if not self.done:
                started = any(r.status != JobStatus.SCHEDULED for r in launched)
                return JobStatus.IN_PROGRESS if started else JobStatus.SCHEDULED
            statuses = {r.status for r in launched}
            if self._cancelled:
                return JobStatus.STOPPED
            if self._launch_error is not None or JobStatus.FAILED in statuses:
                return JobStatus.FAILED
            if JobStatus.STOPPED in statuses:
                return JobStatus.STOPPED
            return JobStatus.COMPLETED

    def elapsed_seconds(self) -> float:
        end = self._ended if self._ended is not None else time.monotonic()
        return end - self._started

    def snapshot(self) -> RunSnapshot:
        with self._lock:
            parts = []
            for run, chunk in zip(self._jobs, self._chunks, strict=True):
                if run is not None:
                    parts.append(run.snapshot())
                else:
                    waiting = self._launching and not self._stop.is_set()
                    parts.append(
                        RunSnapshot.waiting(self._spec.name, [f.name for f in chunk], "WAITING" if waiting else "NOT SENT")
                    )
            problem = user_message(self._launch_error) if self._launch_error is not None else None
            return RunSnapshot.of_batch(
                parts,
                workflow=self._spec.name,
                status=self.status.value,
                done=self.done,
                finished=self.finished,
                elapsed=self.elapsed_seconds(),
                problem=problem,
            )

    # -- controls -------------------------------------------------------------------------
    def track(self, tracker: Tracker | None = None) -> BatchRun:
        """The jobs are followed by the tracker from their launch on; this re-tracks any that stopped."""
        for run in self.jobs:
            run.track(tracker or self._tracker)
        return self

    def cancel(self) -> None:
        """Stop launching, and ask the server to stop every job still running."""
        with self._lock:
            self._cancelled = True
        self._stop.set()
        for run in self.jobs:
            if not run.done:
                try:
                    run.cancel()
                except UnstructuredError as err:  # one job's refusal must not keep the others running
                    log.debug("cancel of %s failed: %s", run.job_id, err)
        self._check_finished()
        self.notify()

    def refresh(self) -> BatchRun:
        """Fetch every job now, in this thread."""
        for run in self.jobs:
            run.refresh()
        return self

    def interrupted_message(self) -> str:
        """Ctrl-C while waiting for a batch: its jobs (and the launches) go on."""
        return (
            "Stopped waiting. The batch's jobs keep running on the server (and the launches go on) while its table "
            "keeps updating. Stop them all with run.cancel() (run being the variable you assigned)."
        )

    def _wait_timeout(self, timeout: float) -> WaitTimeoutError:
        running = [short_id(r.job_id) for r in self.jobs if not r.done]
        return WaitTimeoutError(
            f"Stopped waiting for the batch after {timeout:g} s; {len(running)} of its jobs still run "
            f"and {sum(1 for r in self._jobs if r is None)} wait to be launched",
            hint="Wait longer with run.wait(), or stop them all with run.cancel()",
        )

    # -- results --------------------------------------------------------------------------
    def outputs(self) -> Outputs:
        """Every job's outputs merged: ``{input file: {node: [element, ...]}}`` (a name seen twice gets its job's id)."""
        with self._lock:
            if self._outputs is not None:
                return self._outputs
        if not self.done:
            waiting = sum(1 for r in self._jobs if r is None)
            raise JobNotCompletedError(
                f"The batch is still {self.status.value} ({waiting} jobs not launched yet); its outputs are not ready",
                hint="Wait for it with run.wait(), then ask again",
            )
        merged: Outputs = {}
        for run in self.jobs:
            if run.status != JobStatus.COMPLETED and not run.job.output_node_files:
                continue
            for name, by_node in run.outputs().items():
                key = name if name not in merged else f"{name} (job {short_id(run.job_id)})"
                merged[key] = by_node
        if not merged:
            raise JobNotCompletedError(
                f"The batch ended {self.status.value} and has no outputs",
                hint="See the failed files and notes under its table for what went wrong",
            )
        with self._lock:
            self._outputs = merged
        return merged
