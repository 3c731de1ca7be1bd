"""Follow workflow jobs: the ``Run`` handle and one background tracker shared by every run.

``start_run`` checks the input paths, resolves the workflow by name or id, starts the job
and hands the ``Run`` to the tracker: a single daemon thread that polls every tracked job
with adaptive backoff and jitter, under one shared request budget, and calls each run's
``on_change`` callbacks. It needs no asyncio loop, so a notebook's table keeps updating
while the kernel is idle (asyncio tasks started from a cell stall on ipykernel 7).

No widgets and no IPython here; pandas and the HTTP client are imported on first use. The
DataFrames themselves are built by ``tables``.
"""

from __future__ import annotations

import asyncio
import contextvars
import difflib
import glob
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._uploads import as_items
from .errors import (
    InputFileError,
    JobNotCompletedError,
    NotFoundError,
    RateLimitError,
    UnstructuredError,
    WorkflowLookupError,
)
from .models import FailedFile, Job, JobDetails, JobProcessingStatus, JobStatus, Workflow
from .tables import (  # re-exported: the tables are part of tracking's API
    STATUS_COLUMNS,
    element_row,
    failed_frame,
    jobs_frame,
    progress_frame,
    status_frame,
    workflows_frame,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "STATUS_COLUMNS",
    "PollPolicy",
    "Run",
    "Tracker",
    "WaitTimeoutError",
    "attach",
    "expand_paths",
    "failed_frame",
    "get_client",
    "jobs_frame",
    "progress_frame",
    "resolve_workflow",
    "run",
    "start_run",
    "status_frame",
    "tracker",
    "workflows_frame",
]

log = logging.getLogger("unstructured_nb.tracking")


class WaitTimeoutError(UnstructuredError, TimeoutError):
    """``Run.wait(timeout=...)`` gave up; the job itself is still running."""


# --- polling policy -----------------------------------------------------------------


@dataclass(frozen=True)
class PollPolicy:
    """How often the tracker asks about jobs.

    Each job is polled after ``initial`` seconds, then every interval is ``factor`` times
    the previous one, up to ``cap``; every interval is jittered by +/- ``jitter`` (a
    fraction) so many jobs do not poll in lockstep. Errors back off separately, doubling
    up to ``error_cap``. All jobs share one budget of ``max_rate`` requests per second
    (a token bucket holding at most ``burst`` tokens), so N jobs never mean N times the
    requests. ``details_every``: per-node details are fetched on every n-th status poll
    of a running job.
    """

    initial: float = 0.25
    factor: float = 1.6
    cap: float = 5.0
    jitter: float = 0.2
    error_cap: float = 30.0
    max_rate: float = 8.0
    burst: float = 8.0
    details_every: int = 2
    batch_threshold: int = 3

    def base_interval(self, polls: int, fixed: float | None = None) -> float:
        """The un-jittered wait before poll number ``polls + 1``."""
        if fixed is not None:
            return max(0.05, float(fixed))
        return min(self.cap, self.initial * (self.factor**polls))

    def interval(self, polls: int, rng: random.Random, fixed: float | None = None) -> float:
        base = self.base_interval(polls, fixed)
        return base * rng.uniform(1.0 - self.jitter, 1.0 + self.jitter)

    def error_interval(self, errors: int, rng: random.Random) -> float:
        base = min(self.error_cap, self.initial * (2.0 ** max(1, errors)))
        return base * rng.uniform(1.0 - self.jitter, 1.0 + self.jitter)


# --- the Run handle -------------------------------------------------------------------


Callback = Callable[["Run"], None]


class Run:
    """A workflow job being followed: its latest state, results and controls.

    ``run.status`` and ``run.job`` are refreshed in the background by the tracker;
    ``run.wait()`` (or ``await run``) blocks until the job ends; ``run.elements()`` gives
    every output element as one DataFrame. Its text and HTML reprs are the status table.
    """

    def __init__(
        self,
        job: Job,
        client: Any,
        *,
        files: Sequence[str] = (),
        workflow: Workflow | None = None,
        poll: float | None = None,
        tracker: Tracker | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._job = job
        self._client = client
        self._workflow = workflow
        self._files = list(files)
        self._poll = poll
        self._tracker = tracker
        self._details: JobDetails | None = None
        self._failed: list[FailedFile] | None = None
        self._last_error: UnstructuredError | None = None
        self._last_polled: datetime | None = None
        self._started_mono = time.monotonic()
        self._ended_mono: float | None = None
        self._callbacks: list[Callback] = []
        self._finished = threading.Event()
        self._outputs: dict[str, dict[str, list[dict]]] | None = None
        self._suppress_display = False  # set by the magic for the cell that already shows the table
        if job.done:
            self._ended_mono = self._started_mono

    # -- state -------------------------------------------------------------------------
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
    def client(self) -> Any:
        return self._client

    @property
    def finished(self) -> bool:
        """True once tracking has ended (job over and its final details fetched, or job lost)."""
        return self._finished.is_set()

    def elapsed_seconds(self) -> float | None:
        """The job's runtime when known, else the time since it was created (or started here)."""
        if self._job.done and self._job.runtime_seconds is not None:
            return self._job.runtime_seconds
        created = self._job.created_at
        end = self._ended_mono if self._ended_mono is not None else time.monotonic()
        local = end - self._started_mono
        if created is not None and self._ended_mono is None:
            wall = (datetime.now(timezone.utc) - created).total_seconds()
            if 0 <= wall < 7 * 86400:
                return max(wall, local)
        return local

    # -- callbacks ---------------------------------------------------------------------
    def on_change(self, callback: Callback) -> Callable[[], None]:
        """Call ``callback(run)`` after every observed change and once at the end.

        Callbacks run on the tracker thread; keep them short. Returns an unsubscribe function.
        """
        with self._lock:
            self._callbacks.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return unsubscribe

    def _notify(self) -> None:
        with self._lock:
            callbacks = list(self._callbacks)
        for cb in callbacks:
            try:
                cb(self)
            except Exception:  # a broken display must not stop the tracker
                log.exception("on_change callback %r failed", cb)

    # -- updates (tracker thread or refresh) ------------------------------------------------
    def _apply_job(self, job: Job, now: datetime | None = None) -> bool:
        with self._lock:
            # every poll is a change: "last polled" and "elapsed" are part of the table
            changed = True
            was_done = self._job.done
            self._job = job
            self._last_error = None
            self._last_polled = now or datetime.now(timezone.utc)
            if job.done and not was_done:
                self._ended_mono = time.monotonic()
        return changed

    def _apply_details(self, details: JobDetails) -> bool:
        with self._lock:
            changed = details != self._details
            self._details = details
        return changed

    def _apply_failed(self, failed: list[FailedFile]) -> bool:
        with self._lock:
            changed = failed != self._failed
            self._failed = list(failed)
        return changed

    def _apply_error(self, err: UnstructuredError) -> bool:
        with self._lock:
            changed = self._last_error is None or str(self._last_error) != str(err)
            self._last_error = err
        return changed

    def _finish(self) -> None:
        with self._lock:
            if self._ended_mono is None:
                self._ended_mono = time.monotonic()
        self._finished.set()

    # -- controls ----------------------------------------------------------------------
    def wait(self, timeout: float | None = None) -> Run:
        """Block until the job ends (and its final details are in); returns the run.

        Raises ``WaitTimeoutError`` after ``timeout`` seconds (the job keeps running), and
        the polling error if the job can no longer be followed.
        """
        self._ensure_tracked()
        deadline = None if timeout is None else time.monotonic() + timeout
        # Short waits keep Ctrl-C responsive on every platform.
        while not self._finished.wait(0.2):
            if deadline is not None and time.monotonic() >= deadline:
                raise WaitTimeoutError(
                    f"Stopped waiting for job {self.job_id} after {timeout:g} s; it is still {self.status.value}",
                    hint="Wait longer with run.wait(), cancel it with run.cancel(), or follow it later "
                    f"with %unstructured_run --attach {self.job_id}",
                )
        if not self.done and self._last_error is not None:
            raise self._last_error
        return self

    def __await__(self):  # type: ignore[no-untyped-def]
        return self._wait_async().__await__()

    async def _wait_async(self) -> Run:
        self._ensure_tracked()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()

        def _resolve() -> None:
            if not future.done():
                future.set_result(None)

        def callback(run: Run) -> None:
            if run.finished:
                loop.call_soon_threadsafe(_resolve)

        unsubscribe = self.on_change(callback)
        try:
            if not self.finished:
                # the poll catches a finish that raced with the subscription
                while not self.finished:
                    try:
                        await asyncio.wait_for(asyncio.shield(future), timeout=1.0)
                    except asyncio.TimeoutError:
                        continue
        finally:
            unsubscribe()
        if not self.done and self._last_error is not None:
            raise self._last_error
        return self

    def cancel(self) -> None:
        """Ask the server to stop the job; the table then shows STOPPED."""
        self._client.cancel_job(self.job_id)
        self._ensure_tracked()
        if self._tracker is not None:
            self._tracker.poke(self)

    def refresh(self) -> Run:
        """Fetch the job (and its details) now, in this thread; returns the run."""
        job = self._client.get_job(self.job_id)
        changed = self._apply_job(job)
        if job.status == JobStatus.IN_PROGRESS or job.done:
            try:
                changed = self._apply_details(self._client.get_job_details(self.job_id)) or changed
            except UnstructuredError as err:
                log.debug("details of %s unavailable: %s", self.job_id, err)
        if self._needs_failed_files() and self._failed is None:
            try:
                changed = self._apply_failed(self._client.get_job_failed_files(self.job_id)) or changed
            except UnstructuredError as err:
                log.debug("failed files of %s unavailable: %s", self.job_id, err)
        if changed:
            self._notify()
        return self

    def _needs_failed_files(self) -> bool:
        if self._job.status == JobStatus.FAILED:
            return True
        d = self._details
        if d is not None and d.processing_status in (JobProcessingStatus.COMPLETED_WITH_ERRORS, JobProcessingStatus.FAILED):
            return True
        return bool(d and any(n.failure for n in d.node_stats))

    def _ensure_tracked(self) -> None:
        if self._finished.is_set():
            return
        if self._tracker is None:
            self._tracker = tracker()
        self._tracker.track(self)

    # -- results -------------------------------------------------------------------------
    def to_dataframe(self) -> pandas.DataFrame:
        """The status table of this run (one row)."""
        return status_frame([self])

    def _node_labels(self) -> dict[str, str]:
        workflow = self._workflow
        if workflow is None:
            try:
                workflow = self._workflow = self._client.get_workflow(self._job.workflow_id)
            except UnstructuredError:
                workflow = None
        labels: dict[str, str] = {}
        if workflow is not None:
            for node in workflow.workflow_nodes:
                if node.id:
                    labels[node.id] = node.name or node.type
        return labels

    def outputs(self) -> dict[str, dict[str, list[dict]]]:
        """Every output file's elements: ``{input file: {node: [element, ...]}}``.

        Downloaded once and cached. Nodes are in workflow order, so the last one of each
        file is the workflow's final output. Raises ``JobNotCompletedError`` unless the
        job COMPLETED (a FAILED job's other files are still returned when it has outputs).
        """
        with self._lock:
            if self._outputs is not None:
                return self._outputs
        job = self._job
        if not job.done:
            raise JobNotCompletedError(
                f"Job {job.id} is still {job.status.value}; its outputs are not ready yet",
                hint="Wait for it with run.wait() (or %unstructured_run --wait), then ask again",
            )
        if job.status != JobStatus.COMPLETED and not job.output_node_files:
            raise JobNotCompletedError(
                f"Job {job.id} ended {job.status.value} and has no outputs",
                hint="See run.failed_files (and the failed-files table) for what went wrong",
            )
        labels = self._node_labels()
        order = list(labels)
        result: dict[str, dict[str, list[dict]]] = {}
        pairs: list[tuple[str, str | None, str]] = []
        if job.output_node_files:
            files = sorted(
                job.output_node_files,
                key=lambda nf: order.index(nf.node_id) if nf.node_id in order else len(order),
            )
            for nf in files:
                pairs.append((nf.file_id, nf.node_id, labels.get(nf.node_id) or nf.node_type or nf.node_id))
        else:
            for file_id in job.input_file_ids:
                pairs.append((file_id, None, "output"))
        names: dict[str, str] = {}
        for file_id, node_id, label in pairs:
            elements = self._client.download_job_output(job.id, file_id, node_id)
            elements = list(elements) if isinstance(elements, list) else []
            name = names.get(file_id)
            if name is None:
                name = _filename_of(elements) or file_id
                names[file_id] = name
            result.setdefault(name, {})[label] = elements
        with self._lock:
            self._outputs = result
        return result

    def elements(self, all_nodes: bool = False) -> pandas.DataFrame:
        """All output elements as one DataFrame, one row per element.

        Columns: filename, node, type, element_id, text, page_number, then the rest of the
        metadata flattened (``metadata.data_source.url`` becomes ``data_source.url``).
        By default only each file's final node output; ``all_nodes=True`` includes every node.
        """
        import pandas as pd

        rows: list[dict[str, Any]] = []
        for filename, by_node in self.outputs().items():
            nodes = list(by_node.items())
            if not all_nodes and nodes:
                nodes = nodes[-1:]
            for node, elements in nodes:
                for el in elements:
                    rows.append(element_row(filename, node, el))
        base = ["filename", "node", "type", "element_id", "text", "page_number"]
        if not rows:
            return pd.DataFrame(columns=base)
        frame = pd.DataFrame(rows)
        rest = [c for c in frame.columns if c not in base]
        return frame[base + rest]

    # -- reprs -------------------------------------------------------------------------------
    def __repr__(self) -> str:
        from .display import render_text

        return render_text([self])

    def _repr_html_(self) -> str:
        from .display import render_html

        return render_html([self])

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/plain": self.__repr__(), "text/html": self._repr_html_()}

    def _ipython_display_(self) -> None:
        # The magic already shows this run's live table in the cell that returned it.
        if self._suppress_display:
            self._suppress_display = False
            return
        from .display import show_live

        show_live([self])


def _filename_of(elements: list[dict]) -> str | None:
    for el in elements:
        meta = el.get("metadata") if isinstance(el, dict) else None
        if isinstance(meta, dict) and meta.get("filename"):
            return str(meta["filename"])
    return None


# --- the tracker -------------------------------------------------------------------------


@dataclass
class _State:
    run: Run
    next_due: float
    polls: int = 0
    errors: int = 0
    want_details: bool = False
    want_failed: bool = False
    final_details: bool = False
    extra_due: float = 0.0  # details / failed files are not retried before this


class Tracker:
    """Polls every tracked run from one daemon thread under a shared request budget.

    ``clock`` and ``rng`` are injectable, and ``step()`` does one round without the
    thread, so tests can drive the schedule deterministically.
    """

    def __init__(
        self,
        policy: PollPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        start_thread: bool = True,
    ) -> None:
        self.policy = policy or PollPolicy()
        self._clock = clock
        self._rng = rng or random.Random()
        self._cond = threading.Condition()
        self._states: dict[int, _State] = {}
        self._tokens = self.policy.burst
        self._refilled = clock()
        self._paused_until: dict[int, float] = {}  # per client, after a 429
        self._thread: threading.Thread | None = None
        self._use_thread = start_thread
        self.requests = 0  # total requests sent (benchmarks, tests)

    # -- registration ------------------------------------------------------------------------
    def track(self, run: Run) -> None:
        """Follow ``run`` until it ends (no-op if already tracked or finished)."""
        with self._cond:
            if id(run) in self._states or run.finished:
                return
            run._tracker = self
            self._states[id(run)] = _State(run, next_due=self._clock() + self._interval(run, 0))
            self._cond.notify_all()
        if self._use_thread:
            self._ensure_thread()

    def untrack(self, run: Run) -> None:
        with self._cond:
            self._states.pop(id(run), None)

    def poke(self, run: Run) -> None:
        """Poll ``run`` as soon as the budget allows (after a cancel, say)."""
        with self._cond:
            state = self._states.get(id(run))
            if state is not None:
                state.next_due = self._clock()
                self._cond.notify_all()

    @property
    def tracked(self) -> list[Run]:
        with self._cond:
            return [s.run for s in self._states.values()]

    def _interval(self, run: Run, polls: int) -> float:
        return self.policy.interval(polls, self._rng, run._poll)

    # -- the thread ------------------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        with self._cond:
            if self._thread is not None and self._thread.is_alive():
                return
            # A fresh context: callbacks run in the context captured by whoever subscribed.
            self._thread = threading.Thread(
                target=contextvars.Context().run, args=(self._loop,), name="unstructured-nb-tracker", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._states:
                    self._cond.wait()  # idle: no CPU, no requests while nothing is tracked
            try:
                delay = self.step()
            except Exception:  # never let the thread die
                log.exception("tracker step failed")
                delay = 1.0
            with self._cond:
                if delay is None:
                    continue
                if delay > 0:
                    self._cond.wait(delay)

    # -- one round ------------------------------------------------------------------------------
    def _refill(self, now: float) -> None:
        p = self.policy
        self._tokens = min(p.burst, self._tokens + (now - self._refilled) * p.max_rate)
        self._refilled = now

    def _take(self) -> bool:
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            self.requests += 1
            return True
        return False

    def step(self) -> float | None:
        """Send the requests that are due and allowed by the budget.

        Returns the seconds until something is due again, or None when nothing is tracked.
        """
        now = self._clock()
        with self._cond:
            self._refill(now)
            states = list(self._states.values())
        if not states:
            return None
        changed: set[int] = set()

        # 1. status polls, batched per client and workflow when several are due at once
        due = [s for s in states if s.next_due <= now and not s.run.done and not self._paused(s.run, now)]
        due.sort(key=lambda s: s.next_due)
        groups: dict[tuple[int, str], list[_State]] = {}
        for s in due:
            groups.setdefault((id(s.run.client), s.run.job.workflow_id), []).append(s)
        for (client_id, workflow_id), members in groups.items():
            # One list request answers for every tracked job of the workflow, due or not: they
            # fall into one cohort, so 100 jobs of a workflow cost one request per interval.
            cohort = [
                s for s in states if id(s.run.client) == client_id and s.run.job.workflow_id == workflow_id and not s.run.done
            ]
            if len(cohort) >= self.policy.batch_threshold and workflow_id:
                if not self._take():
                    break
                self._poll_batch(cohort, workflow_id, now, changed)
            else:
                for s in members:
                    if s.next_due > now or self._paused(s.run, now):  # a 429 in this round pauses the rest
                        continue
                    if not self._take():
                        break
                    self._poll_one(s, now, changed)

        # 2. details and failed files (progress while running, final state at the end)
        for s in states:
            if s.extra_due > now:
                continue
            if s.want_details and not self._paused(s.run, now):
                if not self._take():
                    break
                try:
                    if s.run._apply_details(s.run.client.get_job_details(s.run.job_id)):
                        changed.add(id(s.run))
                    s.want_details = False
                    if s.run.done:
                        s.final_details = True
                        s.want_failed = s.want_failed or s.run._needs_failed_files()
                except Exception as err:  # details are best effort
                    self._note_error(s, err, now, changed, status_poll=False)
            if s.want_failed and not s.want_details and not self._paused(s.run, now):
                if not self._take():
                    break
                try:
                    if s.run._apply_failed(s.run.client.get_job_failed_files(s.run.job_id)):
                        changed.add(id(s.run))
                    s.want_failed = False
                except Exception as err:
                    self._note_error(s, err, now, changed, status_poll=False)

        # 3. finish runs whose job ended and whose final details are in
        finished: list[Run] = []
        with self._cond:
            for s in list(self._states.values()):
                lost = isinstance(s.run.last_error, NotFoundError) and s.errors >= 3
                if (s.run.done and not s.want_details and not s.want_failed) or lost:
                    self._states.pop(id(s.run), None)
                    finished.append(s.run)
        for s in states:
            if id(s.run) in changed and s.run not in finished:
                s.run._notify()
        for r in finished:
            r._finish()
            r._notify()

        with self._cond:
            if not self._states:
                return None
            ready = min(
                max(
                    min(s.next_due, s.extra_due) if (s.want_details or s.want_failed) else s.next_due,
                    self._paused_until.get(id(s.run.client), 0.0),
                )
                for s in self._states.values()
            )
        delay = ready - now
        if delay <= 0.0:  # work is waiting for the shared budget to refill
            delay = max(0.0, (1.0 - self._tokens) / self.policy.max_rate)
        return max(0.01, delay)

    def _paused(self, run: Run, now: float) -> bool:
        return self._paused_until.get(id(run.client), 0.0) > now

    def _after_status(self, s: _State, now: float) -> None:
        s.polls += 1
        s.errors = 0
        s.next_due = now + self._interval(s.run, s.polls)
        run = s.run
        if run.done:
            s.want_details = not s.final_details
        elif run.status == JobStatus.IN_PROGRESS and s.polls % max(1, self.policy.details_every) == 0:
            s.want_details = True

    def _poll_one(self, s: _State, now: float, changed: set[int]) -> None:
        try:
            job = s.run.client.get_job(s.run.job_id)
        except Exception as err:
            self._note_error(s, err, now, changed, status_poll=True)
            return
        if s.run._apply_job(job):
            changed.add(id(s.run))
        self._after_status(s, now)

    def _poll_batch(self, members: list[_State], workflow_id: str, now: float, changed: set[int]) -> None:
        client = members[0].run.client
        try:
            jobs = {j.id: j for j in client.list_jobs(workflow_id=workflow_id)}
        except Exception as err:
            for s in members:
                self._note_error(s, err, now, changed, status_poll=True)
            return
        for s in members:
            job = jobs.get(s.run.job_id)
            if job is None:  # not listed (paging, filters): ask for it alone next round
                s.next_due = now
                continue
            if s.run._apply_job(job):
                changed.add(id(s.run))
            self._after_status(s, now)

    def _note_error(self, s: _State, err: BaseException, now: float, changed: set[int], *, status_poll: bool) -> None:
        if not isinstance(err, UnstructuredError):
            log.warning("polling job %s failed: %s", s.run.job_id, type(err).__name__)
            err = UnstructuredError(
                f"Polling job {s.run.job_id} failed unexpectedly ({type(err).__name__})",
                hint="The tracker keeps trying; run.refresh() shows the error in full",
            )
        if s.run._apply_error(err):
            changed.add(id(s.run))
        s.errors += 1
        wait = self.policy.error_interval(s.errors, self._rng)
        if isinstance(err, RateLimitError):
            pause = err.retry_after if err.retry_after else wait
            self._paused_until[id(s.run.client)] = now + min(pause, self.policy.error_cap)
        if status_poll:
            s.next_due = now + wait
        else:  # best-effort extras: retry later, give up after a few tries
            s.extra_due = now + wait
            if s.errors >= 3:
                s.want_details = False
                s.want_failed = False


_TRACKER: Tracker | None = None
_TRACKER_LOCK = threading.Lock()


def tracker() -> Tracker:
    """The process-wide tracker (created on first use)."""
    global _TRACKER
    with _TRACKER_LOCK:
        if _TRACKER is None:
            _TRACKER = Tracker()
        return _TRACKER


# --- clients, paths, workflows -------------------------------------------------------------

_CLIENTS: dict[tuple[str | None, str | None, float | None], Any] = {}
_CLIENTS_LOCK = threading.Lock()


def get_client(api_url: str | None = None, api_key: str | None = None, *, timeout: float | None = None) -> Any:
    """A shared ``Client`` for this URL and key (many runs share one connection pool)."""
    from .client import Client
    from .config import resolve_api_key, resolve_api_url

    url = resolve_api_url(api_url)
    key = resolve_api_key(api_key)
    cache_key = (url, key, timeout)
    with _CLIENTS_LOCK:
        client = _CLIENTS.get(cache_key)
        if client is not None and client.is_local and not _local_engine_serves(client):
            # The engine was stopped or died since: a fresh client finds (or starts) the engine
            # that serves the data dir now, instead of failing on the old port for the rest of the
            # session. Runs that hold the old client keep it.
            client = None
        if client is None:
            kwargs: dict[str, Any] = {}
            if timeout is not None:
                kwargs["timeout"] = timeout
            client = Client(api_url=url, api_key=key, **kwargs)
            _CLIENTS[cache_key] = client
        return client


def _local_engine_serves(client: Any) -> bool:
    from .local.discovery import ensure_local_engine

    try:
        return ensure_local_engine().url == client.api_url
    except UnstructuredError:
        return True  # cannot start a new one: keep the client, whose errors say what is wrong


_GLOB_CHARS = set("*?[")


def expand_paths(paths: Iterable[Any]) -> list[Any]:
    """Turn files, globs and directories into a list of files, checking every one.

    Non-path items (open files, ``(name, bytes)`` pairs, upload dicts) pass through.
    Raises ``InputFileError`` naming every bad path before anything is sent.
    """
    out: list[Any] = []
    problems: list[str] = []
    # the client's own notion of "one file or a collection of them": a single (name, bytes)
    # pair, upload dict or open file is one entry, not something to iterate
    for item in as_items(paths):
        if not isinstance(item, (str, os.PathLike)):
            out.append(item)
            continue
        text = os.path.expanduser(os.fspath(item))
        if _GLOB_CHARS & set(text):
            matches = sorted(p for p in glob.glob(text, recursive=True) if os.path.isfile(p))
            if not matches:
                problems.append(f"{text} (no file matches this pattern)")
            for m in matches:
                _check_file(Path(m), problems, out)
            continue
        path = Path(text)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not files:
                problems.append(f"{text} (directory has no files)")
            for p in files:
                _check_file(p, problems, out)
        elif not path.exists():
            problems.append(f"{text} (not found)")
        else:
            _check_file(path, problems, out)
    if problems:
        raise InputFileError(
            "Cannot use these input paths: " + "; ".join(problems),
            hint="Nothing was sent and no job was created. Check the paths (relative paths start at "
            f"the working directory, {os.getcwd()})",
        )
    if not out:
        raise InputFileError("No input files were given", hint="Pass at least one file, glob or directory")
    return out


def _check_file(path: Path, problems: list[str], out: list[Any]) -> None:
    if not path.is_file():
        problems.append(f"{path} (not a regular file)")
    elif not os.access(path, os.R_OK):
        problems.append(f"{path} (not readable)")
    else:
        out.append(path)


def _display_name(item: Any) -> str:
    if isinstance(item, (str, os.PathLike)):
        return Path(item).name
    if isinstance(item, tuple) and item:
        return str(item[0])
    if isinstance(item, dict) and "name" in item:
        return str(item["name"])
    name = getattr(item, "name", None)
    return Path(name).name if isinstance(name, str) else type(item).__name__


def _looks_like_id(text: str) -> bool:
    import re

    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}", text))


def resolve_workflow(client: Any, name_or_id: str) -> Workflow:
    """The workflow whose id, or else exact name, is ``name_or_id``.

    Raises ``WorkflowLookupError`` listing close matches when the name is unknown or
    ambiguous.
    """
    name_or_id = name_or_id.strip()
    workflows = client.list_workflows()
    for wf in workflows:
        if wf.id == name_or_id:
            return wf
    named = [wf for wf in workflows if wf.name == name_or_id]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = ", ".join(wf.id for wf in named)
        raise WorkflowLookupError(
            f"{len(named)} workflows are named {name_or_id!r} (ids: {ids})",
            hint="Pass the id of the one you mean instead of the name",
        )
    if _looks_like_id(name_or_id):  # maybe beyond the listed page
        try:
            return client.get_workflow(name_or_id)
        except NotFoundError:
            pass
    names = sorted({wf.name for wf in workflows})
    lowered = {n.lower(): n for n in names}
    close = difflib.get_close_matches(name_or_id.lower(), list(lowered), n=4, cutoff=0.5)
    suggestion = ", ".join(repr(lowered[c]) for c in close)
    if suggestion:
        hint = f"Did you mean {suggestion}?"
    elif names:
        shown = ", ".join(repr(n) for n in names[:8]) + (" ..." if len(names) > 8 else "")
        hint = f"Available workflows: {shown}."
    else:
        hint = "This server has no workflows yet; create one with client.create_workflow(...)."
    raise WorkflowLookupError(
        f"No workflow has the name or id {name_or_id!r}",
        hint=hint + " List them with %unstructured_workflows or client.list_workflows()",
    )


# --- starting and attaching -------------------------------------------------------------------


def start_run(
    workflow: str | Workflow,
    files: Any,
    *,
    client: Any = None,
    api_url: str | None = None,
    api_key: str | None = None,
    poll: float | None = None,
    track: bool = True,
) -> Run:
    """Check ``files``, resolve ``workflow`` (name or id), start a job and follow it.

    Paths (files, globs, directories) are all checked before any request.
    """
    items = expand_paths(files)
    if client is None:
        client = get_client(api_url, api_key)
    wf = workflow if isinstance(workflow, Workflow) else resolve_workflow(client, str(workflow))
    job = client.run_workflow(wf.id, files=items)
    run_ = Run(job, client, files=[_display_name(i) for i in items], workflow=wf, poll=poll)
    if track:
        run_._ensure_tracked()
    return run_


def attach(
    job_id: str,
    *,
    client: Any = None,
    api_url: str | None = None,
    api_key: str | None = None,
    poll: float | None = None,
) -> Run:
    """Follow an existing job (after a kernel restart, or one started elsewhere)."""
    if client is None:
        client = get_client(api_url, api_key)
    job = client.get_job(job_id.strip())
    run_ = Run(job, client, poll=poll)
    if job.done:
        run_.refresh()  # its final details and failed files, once
        run_._finish()
    else:
        run_._ensure_tracked()
    return run_


def run(workflow: str | Workflow, files: Any, *, wait: bool = False, timeout: float | None = None, **kw: Any) -> Run:
    """Start ``workflow`` on ``files`` and return its ``Run`` (``wait=True`` blocks until it ends)."""
    r = start_run(workflow, files, **kw)
    if wait:
        r.wait(timeout)
    return r
