"""On-demand runs under the platform's limits: planning, launching, following as one run, cancel, failures."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from tests.fake_api import FakeAPI, Reply
from unstructured_nb.client import Client
from unstructured_nb.errors import InputFileError, UsageError, WorkflowLookupError
from unstructured_nb.models import JobStatus
from unstructured_nb.render.text import runs_text
from unstructured_nb.runs import BatchRun, OnDemandLimits, expand, plan_jobs, start_job
from unstructured_nb.runs.launcher import LaunchGate

from .conftest import quick_tracker

SMALL = OnDemandLimits(files_per_job=3, bytes_per_file=1000, launch_interval=0.15, max_running=2)


def files(n: int, size: int = 10) -> list[tuple[str, bytes]]:
    return [(f"doc{i:03d}.txt", b"x" * size) for i in range(n)]


def batch(fake: FakeAPI, client: Client, n: int, limits: OnDemandLimits = SMALL, **spec: object) -> BatchRun:
    fake.on_demand_limits = limits
    return start_job(files(n), client=client, limits=limits, tracker=quick_tracker(), gate=LaunchGate(), **spec)


def test_plan_cuts_files_into_jobs_and_refuses_big_files_first(tmp_path: Path) -> None:
    for i in range(7):
        (tmp_path / f"f{i}.txt").write_text("x" * (50 if i != 4 else 5000))
    chosen = expand([str(tmp_path)]).check()
    with pytest.raises(InputFileError) as info:
        plan_jobs(chosen, SMALL)
    assert "f4.txt" in str(info.value) and "1.0 kB" in str(info.value) and "Nothing was sent" in str(info.value)
    (tmp_path / "f4.txt").write_text("small")
    plan = plan_jobs(expand([str(tmp_path)]).check(), SMALL)
    assert [len(job) for job in plan] == [3, 3, 1]
    assert [f.name for job in plan for f in job] == [f"f{i}.txt" for i in range(7)]


def test_a_file_over_the_limit_is_refused_before_anything_is_sent(fake: FakeAPI, client: Client) -> None:
    with pytest.raises(InputFileError, match="over the on-demand limit"):
        start_job([*files(4), ("huge.pdf", b"%" * 2000)], client=client, limits=SMALL)
    assert fake.requests == []


def test_batching_respects_every_limit_over_the_wire(fake: FakeAPI) -> None:
    fake.on_demand_limits = SMALL
    with fake.serve() as server, Client(server.url, max_retries=0) as client:
        run = start_job(
            files(14), client=client, limits=SMALL, tracker=quick_tracker(), gate=LaunchGate(), strategy="fast", chunk="by_title"
        )
        run.wait(timeout=60)
        elements = run.elements()
    assert run.status == JobStatus.COMPLETED and run.finished
    assert fake.refused == []  # the server never had to refuse a launch
    launches = fake.launches
    assert [x.files for x in launches] == [3, 3, 3, 3, 2]
    assert all(b.at - a.at >= SMALL.launch_interval for a, b in itertools.pairwise(launches))
    assert max(x.running for x in launches) < SMALL.max_running  # never a third job while two ran
    posts = server.calls("POST", "/api/v1/jobs/")
    request_data = json.loads(posts[0].parts()[0].data)
    assert [n["type"] for n in request_data["job_nodes"]] == ["partition", "chunk"]
    assert run.job_ids == [x.job_id for x in launches]
    assert len(elements) == 14 and sorted(run.outputs()) == sorted(f"file-{i % 3}-doc{i:03d}.txt" for i in range(14))


def test_one_run_shows_a_row_per_job_and_totals(fake: FakeAPI, client: Client) -> None:
    fake.progress = ["IN_PROGRESS"]  # jobs never end: the first two run, the rest wait
    run = batch(fake, client, 10)
    try:
        text = runs_text([run.snapshot()])
        lines = text.splitlines()
        assert lines[-1].startswith("total: ") and "10 files" in lines[-1]
        assert sum(1 for line in lines if line.startswith("(waiting)")) >= 2
        snapshot = run.snapshot()
        assert len(snapshot.jobs) == 4 and snapshot.files == tuple(name for name, _ in files(10))
        assert run.status in (JobStatus.SCHEDULED, JobStatus.IN_PROGRESS) and not run.done
    finally:
        run.cancel()


def test_cancel_stops_the_launches_and_every_running_job(fake: FakeAPI, client: Client) -> None:
    fake.progress = ["IN_PROGRESS"]
    run = batch(fake, client, 12)
    from tests.polling import wait_until

    wait_until(lambda: len(run.jobs) == 2, timeout=10)
    run.cancel()
    run.wait(timeout=10)
    assert run.status == JobStatus.STOPPED and run.finished
    assert len(fake.launches) == 2  # nothing more was launched
    assert {r.status for r in run.jobs} == {JobStatus.STOPPED}
    assert len(fake.calls("POST", r"/api/v1/jobs/[^/]+/cancel")) == 2
    assert [j.status for j in run.snapshot().jobs[2:]] == ["NOT SENT", "NOT SENT"]


def test_a_rate_limited_launch_waits_and_is_sent_again(fake: FakeAPI, client: Client) -> None:
    fake.script("POST", "/api/v1/jobs/", Reply(429, {"detail": "slow down"}, headers={"Retry-After": "0"}))
    run = start_job(files(2), client=client, limits=SMALL, tracker=quick_tracker(), gate=LaunchGate())
    run.wait(timeout=10)
    assert run.status == JobStatus.COMPLETED and len(run.jobs) == 1
    assert fake.count("POST", "/api/v1/jobs/") == 2  # refused once, then accepted


def test_a_launch_that_fails_midway_stops_the_rest_and_says_so(fake: FakeAPI, client: Client) -> None:
    original = fake.handle

    def second_fails(req):  # type: ignore[no-untyped-def]  # test double
        if req.method == "POST" and req.path == "/api/v1/jobs/" and len(fake.launches) == 1:
            return Reply(422, {"detail": [{"loc": ["body"], "msg": "bad node", "type": "value_error"}]})
        return original(req)

    fake.handle = second_fails  # type: ignore[method-assign]  # test double
    failing = start_job(files(7), client=client, limits=SMALL, tracker=quick_tracker(), gate=LaunchGate())
    failing.wait(timeout=10)
    assert failing.status == JobStatus.FAILED and len(failing.jobs) == 1
    assert failing.launch_error is not None and "Job 2 of 3 could not be started" in str(failing.launch_error)
    assert "bad node" in runs_text([failing.snapshot()])
    assert len(failing.elements()) == 3  # the first job's outputs are still there


def test_the_first_launch_fails_the_call_itself(fake: FakeAPI, client: Client) -> None:
    with pytest.raises(WorkflowLookupError, match="Did you mean"):
        start_job(files(2), client=client, template="hi_res_and_enrichmnt")
    assert fake.count("POST", "/api/v1/jobs/") == 0
    with pytest.raises(UsageError, match="one of"):
        start_job(files(2), client=client, template="hi_res_and_enrichment", strategy="fast")


def test_template_by_name_is_sent_by_id(fake: FakeAPI, client: Client) -> None:
    run = start_job(files(1), client=client, template="high RES", tracker=quick_tracker(), gate=LaunchGate())
    run.wait(timeout=10)
    (post,) = fake.calls("POST", "/api/v1/jobs/")
    assert json.loads(post.parts()[0].data) == {"template_id": "hi_res_and_enrichment"}
    assert run.workflow_name == "High res"


def test_the_gate_is_shared_by_runs_of_one_api_url(fake: FakeAPI, client: Client) -> None:
    fake.on_demand_limits = SMALL
    gate = LaunchGate()
    first = BatchRun(client, _spec(), [tuple(expand(files(1)).files)], limits=SMALL, tracker=quick_tracker(), gate=gate).start()
    second = BatchRun(client, _spec(), [tuple(expand(files(1)).files)], limits=SMALL, tracker=quick_tracker(), gate=gate).start()
    first.wait(10)
    second.wait(10)
    assert fake.refused == [] and fake.launches[1].at - fake.launches[0].at >= SMALL.launch_interval


def _spec():  # type: ignore[no-untyped-def]  # a helper
    from unstructured_nb.runs import JobSpec

    return JobSpec.of_nodes([{"type": "partition", "subtype": "unstructured_api", "settings": {"strategy": "fast"}}])
