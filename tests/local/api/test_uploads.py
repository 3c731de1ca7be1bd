"""Uploads: what a run accepts, what it refuses (400, 413, 415, 507), and that a refused upload leaves nothing behind."""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.local.engine_http import files_under, run, wait_job, workflow_id
from tests.local.samples import sample
from unstructured_nb.local import EngineServer
from unstructured_nb.local.api import upload_receiver

pytestmark = pytest.mark.engine


def test_run_without_files(http: httpx.Client) -> None:
    wf = workflow_id(http)
    r = http.post(f"/api/v1/workflows/{wf}/run")
    assert r.status_code == 400 and "input_files" in r.json()["detail"]
    r = http.post(f"/api/v1/workflows/{wf}/run", files={"other": ("a.txt", b"hi")})
    assert r.status_code == 400
    r = http.post(f"/api/v1/workflows/{wf}/run", content=b'{"a": 1}', headers={"content-type": "application/json"})
    assert r.status_code == 415 and "multipart" in r.json()["detail"]


def test_both_part_names_accepted(http: httpx.Client) -> None:
    wf = workflow_id(http)
    for field in ("input_files", "input_files[]"):
        r = run(http, wf, [("a.txt", sample(".txt"))], field=field)
        assert r.status_code == 202, field
        assert wait_job(http, r.json()["id"])["status"] == "COMPLETED"


def test_huge_upload_is_413_and_leaves_nothing(engine: EngineServer, http: httpx.Client) -> None:
    wf = workflow_id(http)
    before = files_under(engine.data_dir / "jobs")
    jobs_before = len(http.get("/api/v1/jobs/").json())
    big = b"word " * (300 * 1024)  # 1.5 MB > the 1 MB limit of the test engine
    r = run(http, wf, [("small.txt", sample(".txt")), ("big.txt", big)])
    assert r.status_code == 413
    assert "big.txt" in r.json()["detail"] and "--max-upload-mb" in r.json()["detail"]
    assert files_under(engine.data_dir / "jobs") == before
    assert len(http.get("/api/v1/jobs/").json()) == jobs_before
    # still serving
    assert wait_job(http, run(http, wf, [("a.txt", sample(".txt"))]).json()["id"])["status"] == "COMPLETED"


def test_traversal_filenames_stay_inside_the_data_dir(engine: EngineServer, http: httpx.Client, tmp_path: Path) -> None:
    wf = workflow_id(http)
    outside = engine.data_dir.parent
    before = set(outside.iterdir())
    names = ["../../escape.txt", "..\\..\\win.txt", "/etc/passwd.txt", "..", "a/../../b.txt"]
    r = run(http, wf, [(n, sample(".txt")) for n in names])
    assert r.status_code == 202
    job = wait_job(http, r.json()["id"])
    assert set(outside.iterdir()) == before
    for file_id in job["input_file_ids"]:
        stored = [p for p in (engine.data_dir / "jobs" / job["id"] / "inputs").iterdir() if p.name.startswith(file_id)]
        assert len(stored) == 1
    shown = []
    for file_id in job["input_file_ids"]:
        r = http.get(f"/api/v1/jobs/{job['id']}/download", params={"file_id": file_id})
        if r.status_code == 200:
            shown.append(r.json()[0]["metadata"]["filename"])
    assert "escape.txt" in shown and "win.txt" in shown and "passwd.txt" in shown
    assert not any("/" in s or "\\" in s for s in shown)


def _disk_full(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("endpoint", ["run", "on-demand"])
def test_full_disk_is_507_and_leaves_nothing(
    endpoint: str, engine: EngineServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    wf = workflow_id(http)
    before = files_under(engine.data_dir / "jobs")
    jobs_before = len(http.get("/api/v1/jobs/").json())
    monkeypatch.setattr(upload_receiver, "open_private", _disk_full)  # the receiver's open of each file
    if endpoint == "run":
        r = run(http, wf, [("a.txt", sample(".txt"))])
    else:
        r = http.post(
            "/api/v1/jobs/",
            files={"request_data": (None, json.dumps({"template_id": "partition"})), "input_files": ("a.txt", sample(".txt"))},
        )
    assert r.status_code == 507, r.text
    body = r.json()
    assert "No space left on device" in body["detail"] and "--data-dir" in body["detail"]
    assert body["retryable"] is False
    assert files_under(engine.data_dir / "jobs") == before
    assert len(http.get("/api/v1/jobs/").json()) == jobs_before
    monkeypatch.undo()
    assert wait_job(http, run(http, wf, [("a.txt", sample(".txt"))]).json()["id"])["status"] == "COMPLETED"


def test_a_refused_on_demand_job_leaves_nothing(engine: EngineServer, http: httpx.Client) -> None:
    """The files stream in before request_data is read: a bad request_data must remove them."""
    before = files_under(engine.data_dir / "jobs")
    r = http.post(
        "/api/v1/jobs/",
        files={
            "request_data": (None, json.dumps({"job_nodes": [{"type": "prompter"}]})),
            "input_files": ("a.txt", sample(".txt")),
        },
    )
    assert r.status_code == 422 and "Unstructured Platform only" in r.json()["detail"][0]["msg"]
    assert files_under(engine.data_dir / "jobs") == before
