"""The tracker: one daemon thread that polls every followed run under a shared request budget.

Each job is polled with adaptive backoff and jitter (``PollPolicy``); jobs of one workflow
are polled together with one list request; a 429 pauses that client. It needs no asyncio
loop, so a notebook's table keeps updating while the kernel is idle (asyncio tasks
started from a cell stall on ipykernel 7). Runs are updated only through their public
interface (``apply``, ``finish``, ``notify``).
"""

from __future__ import annotations

import contextvars
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import NotFoundError, RateLimitError, UnstructuredError
from ..models import FailedFile, Job, JobDetails, JobStatus

if TYPE_CHECKING:  # pragma: no cover
    from .run import Run

__all__ = ["PollPolicy", "RunUpdate", "Tracker", "default_tracker"]

log = logging.getLogger("unstructured_nb.runs")


@dataclass(frozen=True)
class RunUpdate:
    """What one poll learned about a run; fields left as None did not change."""

    job: Job | None = None
    details: JobDetails | None = None
    failed: Sequence[FailedFile] | None = None
    error: UnstructuredError | None = None


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


@dataclass
class _State:
    run: Run
    next_due: float
    polls: int = 0
    errors: int = 0
    want_details: bool = False
    want_failed: bool = False
    final_details: bool = False
    seen_outputs: int = 0  # output files when details were last asked for: new ones make the counts stale
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
            self._states[id(run)] = _State(run, next_due=self._clock() + self._interval(run, 0))
            self._cond.notify_all()
        if self._use_thread:
            self._ensure_thread()

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
        return self.policy.interval(polls, self._rng, run.poll_interval)

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
                    if s.run.apply(RunUpdate(details=s.run.client.get_job_details(s.run.job_id))):
                        changed.add(id(s.run))
                    s.want_details = False
                    if s.run.done:
                        s.final_details = True
                        s.want_failed = s.want_failed or s.run.needs_failed_files()
                except Exception as err:  # details are best effort
                    self._note_error(s, err, now, changed, status_poll=False)
            if s.want_failed and not s.want_details and not self._paused(s.run, now):
                if not self._take():
                    break
                try:
                    if s.run.apply(RunUpdate(failed=s.run.client.get_job_failed_files(s.run.job_id))):
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
                s.run.notify()
        for r in finished:
            r.finish()
            r.notify()

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
        outputs = len(run.job.output_node_files)
        if outputs != s.seen_outputs:  # the job's outputs moved on: fetch the node counts too, so the views agree
            s.want_details = True
            s.seen_outputs = outputs

    def _poll_one(self, s: _State, now: float, changed: set[int]) -> None:
        try:
            job = s.run.client.get_job(s.run.job_id)
        except Exception as err:
            self._note_error(s, err, now, changed, status_poll=True)
            return
        if s.run.apply(RunUpdate(job=job)):
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
            if s.run.apply(RunUpdate(job=job)):
                changed.add(id(s.run))
            self._after_status(s, now)

    def _note_error(self, s: _State, err: BaseException, now: float, changed: set[int], *, status_poll: bool) -> None:
        if not isinstance(err, UnstructuredError):
            log.warning("polling job %s failed: %s", s.run.job_id, type(err).__name__)
            err = UnstructuredError(
                f"Polling job {s.run.job_id} failed unexpectedly ({type(err).__name__})",
                hint="The tracker keeps trying; run.refresh() shows the error in full",
            )
        if s.run.apply(RunUpdate(error=err)):
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


_DEFAULT: Tracker | None = None
_DEFAULT_LOCK = threading.Lock()


def default_tracker() -> Tracker:
    """The process-wide tracker (created on first use)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Tracker()
        return _DEFAULT
