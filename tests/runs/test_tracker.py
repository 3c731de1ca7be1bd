"""The tracker's schedule, budget, error tolerance and callbacks, driven by a fake clock against the fake API."""

from __future__ import annotations

import itertools
import random

import httpx
import pytest

from tests.fake_api import FakeAPI, Reply
from unstructured_nb.client import Client
from unstructured_nb.errors import APIConnectionError, NotFoundError, RateLimitError, ServerError
from unstructured_nb.models import FailedFile, Job, JobStatus
from unstructured_nb.runs import PollPolicy, Run, Tracker

from .conftest import FakeClock, job_run

JOB = r"/api/v1/jobs/[0-9a-f-]{36}"


def drive(tracker: Tracker, clock: FakeClock, until: float | None = None, max_steps: int = 10_000) -> int:
    """Run tracker steps, advancing the fake clock by each returned delay."""
    steps = 0
    while steps < max_steps:
        delay = tracker.step()
        steps += 1
        if delay is None:
            return steps
        if until is not None and clock.now + delay > until:
            clock.now = until
            return steps
        clock.advance(delay)
    raise AssertionError("tracker did not settle")


@pytest.fixture
def clock(fake: FakeAPI) -> FakeClock:
    fake.clock = clock_ = FakeClock()
    return clock_


def test_backoff_grows_from_initial_to_cap():
    p = PollPolicy(initial=0.25, factor=2.0, cap=4.0)
    assert [p.base_interval(n) for n in range(7)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert p.base_interval(5, fixed=2.0) == 2.0  # --poll fixes the interval


def test_jitter_stays_within_bounds_and_varies():
    p = PollPolicy(initial=1.0, factor=1.0, cap=1.0, jitter=0.2)
    rng = random.Random(7)
    samples = [p.interval(3, rng) for _ in range(2000)]
    assert min(samples) >= 0.8 and max(samples) <= 1.2
    assert max(samples) - min(samples) > 0.3  # really jittered, not lockstep


def test_poll_intervals_follow_the_schedule(fake: FakeAPI, client: Client, clock: FakeClock):
    policy = PollPolicy(initial=0.25, factor=2.0, cap=2.0, jitter=0.1, details_every=100)
    tracker = Tracker(policy, clock=clock, rng=random.Random(1), start_thread=False)
    run = job_run(fake, client, ["IN_PROGRESS"] * 12 + ["COMPLETED"])
    start = clock.now
    tracker.track(run)
    drive(tracker, clock)
    times = [start] + [r.at for r in fake.calls("GET", JOB)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    bases = [policy.base_interval(n) for n in range(len(gaps))]
    for gap, base in zip(gaps, bases, strict=True):
        assert base * 0.9 - 1e-9 <= gap <= base * 1.1 + 1e-9
    assert gaps[-1] <= 2.2 and max(gaps) > 1.5  # reached the cap for a long job
    assert run.finished and run.status == JobStatus.COMPLETED


def test_many_runs_share_one_request_budget(fake: FakeAPI, client: Client, clock: FakeClock):
    policy = PollPolicy(initial=0.25, factor=1.5, cap=2.0, max_rate=5.0, burst=5.0, batch_threshold=10**9)
    tracker = Tracker(policy, clock=clock, rng=random.Random(2), start_thread=False)
    runs = [job_run(fake, client, ["IN_PROGRESS"]) for _ in range(100)]  # never end
    for r in runs:
        tracker.track(r)
    drive(tracker, clock, until=clock.now + 20.0)
    sent = len(fake.requests)
    # 100 jobs polled alone every <= 2 s would be >= 1000 requests in 20 s; the budget caps it
    assert sent <= policy.burst + policy.max_rate * 20.0 + 1
    assert sent >= policy.max_rate * 20.0 * 0.8  # and the budget is used, not starved
    assert len({r.path for r in fake.calls("GET", JOB)}) == 100  # every job got its turn


def test_runs_of_one_workflow_are_polled_with_one_list_request(fake: FakeAPI, client: Client, clock: FakeClock):
    policy = PollPolicy(initial=1.0, factor=1.0, cap=1.0, jitter=0.0, batch_threshold=3, details_every=10**6)
    tracker = Tracker(policy, clock=clock, rng=random.Random(3), start_thread=False)
    runs = [job_run(fake, client, ["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]) for _ in range(20)]
    for r in runs:
        tracker.track(r)
    drive(tracker, clock)
    assert all(r.finished and r.status == JobStatus.COMPLETED for r in runs)
    assert fake.count("GET", JOB) == 0
    lists = fake.calls("GET", "/api/v1/jobs/")
    assert 1 <= len(lists) <= 4
    assert all(r.query["workflow_id"] == [runs[0].job.workflow_id] for r in lists)


def test_transient_errors_are_tolerated_and_cleared(fake: FakeAPI, client: Client, clock: FakeClock):
    tracker = Tracker(PollPolicy(jitter=0.0), clock=clock, rng=random.Random(4), start_thread=False)
    run = job_run(fake, client, ["IN_PROGRESS", "COMPLETED"])
    path = f"/api/v1/jobs/{run.job_id}"
    fake.script("GET", path, Reply(503, {"detail": "busy"}), Reply(raises=httpx.ConnectError("connection refused")))
    errors_seen = []
    run.on_change(lambda r: errors_seen.append(r.last_error))
    tracker.track(run)
    drive(tracker, clock)
    assert run.finished and run.status == JobStatus.COMPLETED
    assert run.last_error is None  # cleared by the next good poll
    assert isinstance(errors_seen[0], ServerError) and isinstance(errors_seen[1], APIConnectionError)


def test_rate_limit_pauses_all_runs_of_that_client(fake: FakeAPI, client: Client, clock: FakeClock):
    tracker = Tracker(PollPolicy(jitter=0.0, batch_threshold=10**9), clock=clock, rng=random.Random(5), start_thread=False)
    runs = [job_run(fake, client, ["IN_PROGRESS"] * 3 + ["COMPLETED"]) for _ in range(3)]
    fake.script("GET", f"/api/v1/jobs/{runs[0].job_id}", Reply(429, {"detail": "slow down"}, headers={"Retry-After": "7"}))
    for r in runs:
        tracker.track(r)
    t_429 = None
    for _ in range(2000):
        delay = tracker.step()
        if t_429 is None and any(isinstance(r.last_error, RateLimitError) for r in runs):
            t_429 = next(r.at for r in fake.calls("GET", JOB) if r.path.endswith(runs[0].job_id))
        if delay is None:
            break
        clock.advance(delay)
    assert t_429 is not None
    after = [r.at for r in fake.calls("GET", JOB) if r.at > t_429]
    assert after and min(after) >= t_429 + 7.0 - 1e-9  # nobody polled during the pause
    assert all(r.finished for r in runs)


def test_failed_job_fetches_failed_files_then_finishes(fake: FakeAPI, client: Client, clock: FakeClock):
    tracker = Tracker(PollPolicy(), clock=clock, rng=random.Random(6), start_thread=False)
    run = job_run(fake, client, ["IN_PROGRESS", "FAILED"])
    fake.failed[run.job_id] = [{"document": "bad.pdf", "error": "not a PDF"}]
    tracker.track(run)
    drive(tracker, clock)
    assert run.finished and run.status == JobStatus.FAILED
    assert run.failed_files == [FailedFile(document="bad.pdf", error="not a PDF")]
    assert run.details is not None  # final details fetched too
    assert tracker.tracked == []


def test_unknown_status_is_not_terminal(fake: FakeAPI, client: Client, clock: FakeClock):
    tracker = Tracker(PollPolicy(), clock=clock, rng=random.Random(8), start_thread=False)
    run = job_run(fake, client, ["PAUSED", "PAUSED", "COMPLETED"])
    tracker.track(run)
    tracker.step()
    clock.advance(1.0)
    tracker.step()
    assert run.status.value == "PAUSED" and not run.done and not run.finished
    drive(tracker, clock)
    assert run.status == JobStatus.COMPLETED


def test_callbacks_each_poll_and_once_at_the_end_and_unsubscribe(fake: FakeAPI, client: Client, clock: FakeClock):
    tracker = Tracker(PollPolicy(details_every=10**6), clock=clock, rng=random.Random(9), start_thread=False)
    run = job_run(fake, client, ["SCHEDULED", "IN_PROGRESS", "COMPLETED"])
    seen: list[tuple[str, bool]] = []
    run.on_change(lambda r: seen.append((r.status.value, r.finished)))
    run.on_change(lambda r: 1 / 0)  # a broken callback must not stop tracking
    late: list[str] = []
    unsubscribe = run.on_change(lambda r: late.append(r.status.value))
    unsubscribe()
    tracker.track(run)
    drive(tracker, clock)
    assert [s for s, _ in seen][:3] == ["SCHEDULED", "IN_PROGRESS", "COMPLETED"]
    assert seen[-1] == ("COMPLETED", True)
    assert sum(1 for _, fin in seen if fin) == 1
    assert late == []


def test_a_job_that_disappears_stops_being_tracked(fake: FakeAPI, client: Client, clock: FakeClock):
    tracker = Tracker(PollPolicy(), clock=clock, rng=random.Random(10), start_thread=False)
    gone = Job.from_api(
        {"id": "0" * 8 + "-0000-0000-0000-" + "0" * 12, "workflow_id": "w", "workflow_name": "x", "status": "SCHEDULED"}
    )
    run = Run(gone, client)  # the fake server does not know it
    tracker.track(run)
    drive(tracker, clock)
    assert run.finished and not run.done
    assert isinstance(run.last_error, NotFoundError)
    with pytest.raises(NotFoundError):
        run.wait(timeout=1)


def test_idle_tracker_sends_nothing():
    tracker = Tracker(PollPolicy(), clock=FakeClock(), start_thread=False)
    assert tracker.step() is None
    assert tracker.requests == 0
