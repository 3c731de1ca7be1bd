"""The job manager through the API: progress, prompt cancel, a crashing worker, fair queueing between jobs.

The engine's files take long (``file_delay``), so only a real cancel can end these jobs in time.
"""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.local.engine_http import run, sdk_client, wait_job, workflow_id
from tests.local.samples import sample
from tests.polling import wait_until
from unstructured_nb.local import EngineServer, serve

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def slow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    # one worker, and every file takes at least 60 s: only a real cancel can end these jobs in time
    with serve(data_dir=tmp_path_factory.mktemp("slow-data"), workers=1, file_delay=60.0) as srv:
        yield srv


@pytest.fixture
def c(slow: EngineServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=slow.url, timeout=30) as client:
        yield client


def _worker_pids(srv: EngineServer) -> list[int | None]:
    return srv.engine.jobs.pool.worker_pids()


def test_progress_then_prompt_cancel(slow: EngineServer, c: httpx.Client) -> None:
    wf = workflow_id(c, "partition-and-chunk")
    first = run(c, wf, [("a.txt", sample(".txt")), ("b.txt", sample(".txt"))]).json()
    queued = run(c, wf, [("c.txt", sample(".txt"))]).json()
    assert first["status"] == "SCHEDULED"
    wait_job(c, first["id"], {"IN_PROGRESS"})

    def partitioning() -> dict[str, Any] | None:
        d: dict[str, Any] = c.get(f"/api/v1/jobs/{first['id']}/details").json()
        return d if d["node_stats"][0]["in_progress"] == 1 else None

    details = wait_until(partitioning, 30, what="a file in progress")
    assert details is not None and details["processing_status"] == "IN_PROGRESS"
    assert [(s["ready"], s["in_progress"], s["success"]) for s in details["node_stats"]] == [(1, 1, 0), (2, 0, 0)]
    assert "Processing: 0 of 2 files done" in details["message"]
    status = c.get(f"/api/v1/jobs/{first['id']}/file-status").json()
    assert [(f["document"], f["status"]) for f in status["files"]] == [("a.txt", "IN_PROGRESS"), ("b.txt", "READY")]
    assert status["files"][0]["current_node"]["id"] == c.get(f"/api/v1/workflows/{wf}").json()["workflow_nodes"][0]["id"]
    job = c.get(f"/api/v1/jobs/{first['id']}").json()
    assert job["runtime"].startswith("PT") and job["output_node_files"] == []
    assert c.get(f"/api/v1/jobs/{queued['id']}").json()["status"] == "SCHEDULED"
    r = c.get(f"/api/v1/jobs/{first['id']}/download", params={"file_id": first["input_file_ids"][0]})
    assert r.status_code == 409 and "not ready" in r.json()["detail"]

    pids = _worker_pids(slow)
    r = c.post(f"/api/v1/jobs/{first['id']}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "STOPPED"
    # STOPPED at once, and the worker busy with it was killed (a fresh one replaces it)
    assert c.get(f"/api/v1/jobs/{first['id']}").json()["status"] == "STOPPED"
    wait_until(lambda: _worker_pids(slow) != pids, 10, what="the worker to be replaced")
    details = c.get(f"/api/v1/jobs/{first['id']}/details").json()
    assert details["processing_status"] == "STOPPED" and "cancel" in details["message"]
    assert all(s["in_progress"] == 0 for s in details["node_stats"])
    assert c.get(f"/api/v1/jobs/{first['id']}/failed-files").json() == {"failed_files": []}

    # the queued job now runs; cancel it too, before it ever finishes
    wait_job(c, queued["id"], {"IN_PROGRESS"})
    assert c.post(f"/api/v1/jobs/{queued['id']}/cancel").json()["status"] == "STOPPED"
    again = c.post(f"/api/v1/jobs/{queued['id']}/cancel")
    assert again.status_code == 200 and "already STOPPED" in again.json()["message"]


def test_cancel_a_scheduled_job(slow: EngineServer, c: httpx.Client) -> None:
    wf = workflow_id(c)
    busy = run(c, wf, [("a.txt", sample(".txt"))]).json()
    waiting = run(c, wf, [("b.txt", sample(".txt"))]).json()
    wait_job(c, busy["id"], {"IN_PROGRESS"})
    assert c.post(f"/api/v1/jobs/{waiting['id']}/cancel").json()["status"] == "STOPPED"
    job = c.get(f"/api/v1/jobs/{waiting['id']}").json()
    assert job["status"] == "STOPPED"
    assert c.post(f"/api/v1/jobs/{busy['id']}/cancel").json()["status"] == "STOPPED"
    # the engine is idle again: no job of this engine is left running
    assert c.get("/api/v1/jobs/", params={"status": "in_progress"}).json() == []
    assert c.post(f"/api/v1/jobs/{uuid.uuid4()}/cancel").status_code == 404


def test_cancel_through_the_sdk(slow: EngineServer, c: httpx.Client) -> None:
    sdk = sdk_client(slow.url)
    wf = workflow_id(c)
    job = sdk.workflows.run_workflow(
        request={"workflow_id": wf, "body_run_workflow": {"input_files": [{"content": sample(".txt"), "file_name": "a.txt"}]}}
    ).job_information
    wait_job(c, job.id, {"IN_PROGRESS"})
    answer = sdk.jobs.cancel_job(request={"job_id": job.id}).any
    assert answer["status"] == "STOPPED"
    assert sdk.jobs.get_job(request={"job_id": job.id}).job_information.status.value == "STOPPED"
    details = sdk.jobs.get_job_details(request={"job_id": job.id}).job_details
    assert details.processing_status.value == "STOPPED"


def test_a_crashing_worker_fails_only_its_file(slow: EngineServer, c: httpx.Client) -> None:
    wf = workflow_id(c)
    job = run(c, wf, [("a.txt", sample(".txt")), ("b.txt", sample(".txt"))]).json()
    wait_job(c, job["id"], {"IN_PROGRESS"})
    wait_until(
        lambda: c.get(f"/api/v1/jobs/{job['id']}/details").json()["node_stats"][0]["in_progress"] == 1, 30, what="a.txt running"
    )
    # the file is marked in progress just before its worker process is (re)started: wait for the process
    (pid,) = wait_until(lambda: [p for p in _worker_pids(slow) if p], 30, what="the worker process")
    os.kill(pid, signal.SIGKILL)  # what the OOM killer or a parser segfault would do

    def a_failed() -> list[dict[str, Any]] | None:
        failed: list[dict[str, Any]] = c.get(f"/api/v1/jobs/{job['id']}/failed-files").json()["failed_files"]
        return failed or None

    (failed,) = wait_until(a_failed, 30, what="a.txt to fail") or []
    assert failed["document"] == "a.txt" and "crashed" in failed["error"]
    # the job goes on with b.txt on a fresh worker; the server is unharmed
    details = wait_until(
        lambda: (d := c.get(f"/api/v1/jobs/{job['id']}/details").json())["node_stats"][0]["in_progress"] == 1 and d,
        30,
        what="b.txt running",
    )
    assert details["node_stats"][0]["failure"] == 1 and details["processing_status"] == "IN_PROGRESS"
    assert c.post(f"/api/v1/jobs/{job['id']}/cancel").json()["status"] == "STOPPED"


def test_small_run_is_not_stuck_behind_a_big_one(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Files are served round-robin between jobs: a later one-file run finishes while a big run is still going."""
    with (
        serve(data_dir=tmp_path_factory.mktemp("fair-data"), workers=1, file_delay=0.3) as srv,
        httpx.Client(base_url=srv.url, timeout=30) as c,
    ):
        wf = workflow_id(c)
        big = run(c, wf, [(f"f{i}.txt", sample(".txt")) for i in range(8)]).json()
        small = run(c, wf, [("small.txt", sample(".txt"))]).json()
        assert wait_job(c, small["id"])["status"] == "COMPLETED"
        assert c.get(f"/api/v1/jobs/{big['id']}").json()["status"] == "IN_PROGRESS"
        c.post(f"/api/v1/jobs/{big['id']}/cancel")
