"""Bad requests get a clear answer in the platform's shape, and leave the engine serving and every other job untouched."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.local.engine_http import run, wait_job, workflow_id
from tests.local.samples import sample

pytestmark = pytest.mark.engine


def test_unknown_and_malformed_ids(http: httpx.Client) -> None:
    missing = uuid.uuid4()
    for method, path in [
        ("GET", f"/api/v1/workflows/{missing}"),
        ("POST", f"/api/v1/workflows/{missing}/run"),
        ("GET", f"/api/v1/jobs/{missing}"),
        ("GET", f"/api/v1/jobs/{missing}/details"),
        ("GET", f"/api/v1/jobs/{missing}/failed-files"),
        ("POST", f"/api/v1/jobs/{missing}/cancel"),
        ("GET", f"/api/v1/jobs/{missing}/download?file_id=x"),
    ]:
        r = http.request(method, path)
        assert r.status_code == 404, path
        assert str(missing) in r.json()["detail"]
    for path in ("/api/v1/jobs/123", "/api/v1/workflows/abc", "/api/v1/jobs/?workflow_id=zzz"):
        r = http.get(path)
        assert r.status_code == 422, path
        (item,) = r.json()["detail"]
        assert {"loc", "msg", "type"} <= set(item) and item["loc"][-1] in ("job_id", "workflow_id")


def test_collections_with_and_without_slash(http: httpx.Client) -> None:
    assert http.get("/api/v1/workflows").json() == http.get("/api/v1/workflows/").json()
    assert http.get("/api/v1/jobs").status_code == http.get("/api/v1/jobs/").status_code == 200


def test_bad_workflow_bodies(http: httpx.Client) -> None:
    r = http.post("/api/v1/workflows/", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422 and isinstance(r.json()["detail"], list)
    r = http.post("/api/v1/workflows/", json={"name": "x"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "workflow_type"]
    r = http.post(
        "/api/v1/workflows/",
        json={"name": "x", "workflow_type": "custom", "workflow_nodes": [{"name": "E", "type": "teleport", "subtype": "x"}]},
    )
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert item["loc"] == ["body", "workflow_nodes"] and "teleport" in item["msg"]
    r = http.post("/api/v1/workflows/", json={"name": "x", "workflow_type": "custom", "workflow_nodes": []})
    assert r.status_code == 422 and "at least one node" in r.json()["detail"][0]["msg"]
    r = http.post("/api/v1/workflows/", json={"name": "x", "workflow_type": "custom", "source_id": "s3"})
    assert r.status_code == 422 and "connectors" in r.json()["detail"][0]["msg"]
    r = http.post("/api/v1/workflows/", json={"name": "x", "workflow_type": "custom", "schedule": "daily"})
    assert r.status_code == 422 and "schedule" in r.json()["detail"][0]["msg"]


def test_problem_files_each_get_a_clear_reason(http: httpx.Client) -> None:
    wf = workflow_id(http)
    files = [
        ("empty.txt", b""),
        ("corrupt.pdf", b"%PDF-1.4\n%garbage that is not a PDF\n"),
        ("archive.zip", b"PK\x03\x04 not supported"),
        ("latin1.txt", "Caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade.".encode("latin-1")),
        ("fine.txt", sample(".txt")),
    ]
    r = run(http, wf, files)
    assert r.status_code == 202
    job = wait_job(http, r.json()["id"])
    assert job["status"] == "COMPLETED"
    failed = {f["document"]: f["error"] for f in http.get(f"/api/v1/jobs/{job['id']}/failed-files").json()["failed_files"]}
    assert "empty" in failed["empty.txt"]
    assert failed.get("corrupt.pdf")
    assert ".zip" in failed["archive.zip"]
    ids = dict(zip([f[0] for f in files], job["input_file_ids"], strict=True))
    assert "latin1.txt" not in failed  # non-UTF-8 text is decoded, not failed nor mangled
    out = http.get(f"/api/v1/jobs/{job['id']}/download", params={"file_id": ids["latin1.txt"]}).json()
    assert " ".join(e["text"] for e in out) == "Caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve fa\xe7ade."
    assert http.get(f"/api/v1/jobs/{job['id']}/download", params={"file_id": ids["fine.txt"]}).status_code == 200
    details = http.get(f"/api/v1/jobs/{job['id']}/details").json()
    assert details["processing_status"] == "COMPLETED_WITH_ERRORS"


def test_download_errors(http: httpx.Client) -> None:
    wf = workflow_id(http)
    job = wait_job(http, run(http, wf, [("a.txt", sample(".txt"))]).json()["id"])
    base = f"/api/v1/jobs/{job['id']}/download"
    assert http.get(base).status_code == 422  # file_id is required
    r = http.get(base, params={"file_id": "nope"})
    assert r.status_code == 404 and "input_file_ids" in r.json()["detail"]
    r = http.get(base, params={"file_id": job["input_file_ids"][0], "node_id": "nope"})
    assert r.status_code == 404 and "output_node_files" in r.json()["detail"]


def test_engine_keeps_serving_after_everything(http: httpx.Client) -> None:
    wf = workflow_id(http, "partition-and-chunk")
    job = wait_job(http, run(http, wf, [("a.md", sample(".md"))]).json()["id"])
    assert job["status"] == "COMPLETED"
    assert http.get("/healthz").json()["status"] == "ok"
