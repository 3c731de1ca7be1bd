"""Bad input gets a clear answer, and leaves the engine serving and every other job untouched."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from unstructured_nb.local import EngineServer

from .conftest import KEY, files_under, run, wait_job, workflow_id
from .samples import sample

MISSING = "API key is missing, please provide an API key in the header."
INVALID = "API key is invalid, please provide a valid API key in the header."


def test_api_key_required_when_configured(keyed_engine: EngineServer) -> None:
    with httpx.Client(base_url=keyed_engine.url) as c:
        for path in ("/api/v1/workflows/", "/api/v1/jobs", f"/api/v1/jobs/{uuid.uuid4()}", "/api/v1/no-such-route"):
            r = c.get(path)
            assert (r.status_code, r.json()) == (401, {"detail": MISSING}), path
            r = c.get(path, headers={"unstructured-api-key": "wrong"})
            assert (r.status_code, r.json()) == (401, {"detail": INVALID}), path
            assert "wrong" not in r.text
        ok = c.get("/api/v1/workflows/", headers={"unstructured-api-key": KEY})
        assert ok.status_code == 200 and len(ok.json()) == 2
        assert KEY not in repr(keyed_engine)


def test_api_key_errors_through_the_sdk(keyed_engine: EngineServer) -> None:
    from unstructured_client import UnstructuredClient
    from unstructured_client.models import errors
    from unstructured_client.utils import BackoffStrategy, RetryConfig

    none = RetryConfig("none", BackoffStrategy(1, 1, 1, 1), False)
    anonymous = UnstructuredClient(server_url=keyed_engine.url, retry_config=none)  # kept referenced: the SDK closes on GC
    with pytest.raises(errors.SDKError) as err:
        anonymous.workflows.list_workflows(request={})
    assert err.value.status_code == 401 and "missing" in err.value.body
    good = UnstructuredClient(server_url=keyed_engine.url, api_key_auth=KEY, retry_config=none)
    assert len(good.workflows.list_workflows(request={}).response_list_workflows) == 2


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
    ids = dict(zip([f[0] for f in files], job["input_file_ids"]))
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
    before = {p for p in outside.iterdir()}
    names = ["../../escape.txt", "..\\..\\win.txt", "/etc/passwd.txt", "..", "a/../../b.txt"]
    r = run(http, wf, [(n, sample(".txt")) for n in names])
    assert r.status_code == 202
    job = wait_job(http, r.json()["id"])
    assert {p for p in outside.iterdir()} == before
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


def test_engine_keeps_serving_after_everything(http: httpx.Client) -> None:
    wf = workflow_id(http, "partition-and-chunk")
    job = wait_job(http, run(http, wf, [("a.md", sample(".md"))]).json()["id"])
    assert job["status"] == "COMPLETED"
    assert http.get("/healthz").json()["status"] == "ok"
