"""What the sync client puts on the wire, checked on a real loopback server."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import httpx
import pytest

from tests.fake_api import LoopbackServer
from unstructured_nb import Client, Job, JobStatus, NotFoundError, UnstructuredError, Workflow, WorkflowNode
from unstructured_nb.client import DEFAULT_TIMEOUT

from .conftest import SECRET_KEY


def test_key_header_and_paths_with_trailing_slash_conventions(server: LoopbackServer) -> None:
    wf = server.fake.add_workflow("invoices")
    with Client(server.url, SECRET_KEY) as client:
        workflows = client.list_workflows()
        one = client.get_workflow(wf["id"])
        jobs = client.list_jobs()
    assert [w.id for w in workflows] == [wf["id"]] and isinstance(workflows[0], Workflow)
    assert one.name == "invoices" and one.workflow_nodes[0].type == "partition"
    assert jobs == []
    paths = [(r.method, r.path) for r in server.requests]
    assert paths == [
        ("GET", "/api/v1/workflows/"),
        ("GET", f"/api/v1/workflows/{wf['id']}"),
        ("GET", "/api/v1/jobs/"),
    ]
    for r in server.requests:
        assert r.headers["unstructured-api-key"] == SECRET_KEY
        assert r.headers["accept"] == "application/json"
        assert r.body == b""


def test_no_key_header_when_no_key(server: LoopbackServer) -> None:
    with Client(server.url) as client:
        client.list_workflows()
    assert "unstructured-api-key" not in server.requests[0].headers


@pytest.mark.parametrize("suffix", ["", "/", "/api/v1", "/api/v1/", "//"])
def test_url_with_or_without_api_prefix(server: LoopbackServer, suffix: str) -> None:
    with Client(server.url + suffix) as client:
        assert client.api_url == server.url
        client.list_jobs()
    assert server.requests[0].path == "/api/v1/jobs/"


def test_url_and_key_from_environment(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNSTRUCTURED_API_URL", server.url + "/api/v1/")
    monkeypatch.setenv("UNSTRUCTURED_API_KEY", SECRET_KEY)
    with Client() as client:
        assert client.api_url == server.url and not client.is_local
        client.list_templates()
    assert server.requests[0].headers["unstructured-api-key"] == SECRET_KEY
    # arguments win over the environment
    with Client(server.url, "other-key") as client:
        client.list_templates()
    assert server.requests[1].headers["unstructured-api-key"] == "other-key"


def test_repr_masks_key(server: LoopbackServer) -> None:
    client = Client(server.url, SECRET_KEY)
    assert SECRET_KEY not in repr(client) and "***" in repr(client)
    assert server.url in repr(client)
    assert "api_key=None" in repr(Client(server.url))


def test_query_parameters(server: LoopbackServer) -> None:
    wf = server.fake.add_workflow("a")
    with Client(server.url) as client:
        client.list_jobs(workflow_id=wf["id"], status=JobStatus.COMPLETED)
        client.list_jobs(status="completed")  # known statuses are normalised to the API's case
        client.list_workflows(
            name="a", page=2, show_only_soft_deleted=False, created_since=datetime(2026, 1, 2, tzinfo=timezone.utc)
        )
    q = [r.query for r in server.requests]
    assert q[0] == {"workflow_id": [wf["id"]], "status": ["COMPLETED"]}
    assert q[1] == {"status": ["COMPLETED"]}
    assert q[2] == {
        "name": ["a"],
        "page": ["2"],
        "show_only_soft_deleted": ["false"],
        "created_since": ["2026-01-02T00:00:00+00:00"],
    }
    with pytest.raises(TypeError, match="known filters"):
        Client(server.url).list_workflows(nmae="typo")


def test_run_without_files_sends_empty_body_and_accepts_202(server: LoopbackServer) -> None:
    wf = server.fake.add_workflow()
    with Client(server.url) as client:
        job = client.run_workflow(wf["id"])
    req = server.requests[0]
    assert (req.method, req.path) == ("POST", f"/api/v1/workflows/{wf['id']}/run")
    assert req.body == b"" and req.headers.get("content-length") == "0"
    assert "content-type" not in req.headers
    assert isinstance(job, Job) and job.status is JobStatus.SCHEDULED and job.workflow_id == wf["id"]
    assert job.created_at is not None and job.created_at.tzinfo is not None


def test_create_update_delete_workflow_bodies(server: LoopbackServer) -> None:
    with Client(server.url) as client:
        wf = client.create_workflow(
            "mine",
            workflow_nodes=[
                WorkflowNode(name="Partitioner", type="partition", subtype="fast"),
                {"name": "Chunker", "type": "chunk", "subtype": "chunk_by_title", "settings": {"max_characters": 500}},
            ],
        )
        updated = client.update_workflow(wf.id, name="renamed", schedule="daily")
        assert client.delete_workflow(wf.id) is None
    create, update, delete = server.requests
    assert (create.method, create.path) == ("POST", "/api/v1/workflows/")
    assert create.headers["content-type"] == "application/json"
    assert json.loads(create.body) == {
        "name": "mine",
        "workflow_type": "custom",
        "workflow_nodes": [
            {"name": "Partitioner", "type": "partition", "subtype": "fast"},
            {"name": "Chunker", "type": "chunk", "subtype": "chunk_by_title", "settings": {"max_characters": 500}},
        ],
    }
    assert (update.method, update.path) == ("PUT", f"/api/v1/workflows/{wf.id}")
    assert json.loads(update.body) == {"name": "renamed", "schedule": "daily"}
    assert updated.name == "renamed" and updated.updated_at is not None
    assert (delete.method, delete.path) == ("DELETE", f"/api/v1/workflows/{wf.id}")
    with pytest.raises(TypeError, match="unknown field"):
        Client(server.url).update_workflow(wf.id, nmae="x")


def test_job_endpoints(server: LoopbackServer) -> None:
    wf = server.fake.add_workflow()
    with Client(server.url) as client:
        job = client.run_workflow(wf["id"], files=[("a.txt", b"hello")])
        assert client.get_job(job.id) == job
        server.fake.jobs[job.id]["status"] = "COMPLETED"
        server.fake.failed[job.id] = [{"document": "bad.pdf", "error": "corrupt"}]
        details = client.get_job_details(job)  # a Job is accepted where an id is expected
        failed = client.get_job_failed_files(job.id)
        out = client.download_job_output(job.id, job.input_file_ids[0])
        out_node = client.download_job_output(job.id, job.output_node_files[0].file_id, job.output_node_files[0].node_id)
        cancelled = client.cancel_job(job.id)
    assert details.processing_status == "COMPLETED_WITH_ERRORS" and details.node_stats[0].failure == 1  # the listed failure
    assert failed[0].document == "bad.pdf" and failed[0].error == "corrupt"
    assert out == [{"type": "Title", "element_id": "e1", "text": job.input_file_ids[0], "metadata": {"node_id": None}}]
    assert out_node[0]["metadata"]["node_id"] == "n-partition"
    assert cancelled == {"id": job.id, "message": "Job cancelled"}
    downloads = server.calls("GET", f"/api/v1/jobs/{job.id}/download")
    assert downloads[0].query == {"file_id": [job.input_file_ids[0]]}
    assert downloads[1].query == {"file_id": [job.input_file_ids[0]], "node_id": ["n-partition"]}
    assert server.calls("POST", f"/api/v1/jobs/{job.id}/cancel")[0].body == b""


def test_ids_are_quoted_into_one_path_segment(server: LoopbackServer) -> None:
    with Client(server.url) as client, pytest.raises(NotFoundError):
        client.get_job("../workflows/x y")
    assert server.requests[0].path == "/api/v1/jobs/..%2Fworkflows%2Fx%20y"
    with pytest.raises(ValueError, match="non-empty"):
        Client(server.url).get_job("")


def test_create_job_sends_request_data_then_files(server: LoopbackServer) -> None:
    with Client(server.url) as client:
        job = client.create_job(template_id="hi_res_and_enrichment", files=[("a.pdf", b"%PDF-1.4 x")])
        client.create_job(job_nodes=[{"name": "p", "type": "partition", "subtype": "fast"}], files=("b.txt", b"b"))
    first, second = server.requests
    assert (first.method, first.path) == ("POST", "/api/v1/jobs/")
    parts = first.parts()
    assert [(p.name, p.filename) for p in parts] == [("request_data", None), ("input_files", "a.pdf")]
    assert json.loads(parts[0].data) == {"template_id": "hi_res_and_enrichment"}
    assert parts[1].content_type == "application/pdf" and parts[1].data == b"%PDF-1.4 x"
    assert json.loads(second.parts()[0].data) == {"job_nodes": [{"name": "p", "type": "partition", "subtype": "fast"}]}
    assert job.job_type == "ephemeral"
    with pytest.raises(ValueError, match="exactly one"):
        Client(server.url).create_job(template_id="a", job_nodes=[])


def test_templates(server: LoopbackServer) -> None:
    with Client(server.url) as client:
        assert client.list_templates()[0]["id"] == "hi_res_and_enrichment"
        assert client.get_template("hi_res_and_enrichment")["nodes"] == []
    assert [r.path for r in server.requests] == ["/api/v1/templates/", "/api/v1/templates/hi_res_and_enrichment"]


def test_closed_client_and_bad_url(server: LoopbackServer) -> None:
    client = Client(server.url)
    client.close()
    with pytest.raises(UnstructuredError, match="has been closed"):
        client.list_jobs()
    with pytest.raises(ValueError, match="UNSTRUCTURED_API_URL"):
        Client("platform.unstructuredapp.io")


def test_loopback_ignores_proxy_environment(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "")
    with Client(server.url) as client:
        assert client.list_jobs() == []
    assert Client("https://platform.example")._http.trust_env


def test_default_timeout_is_set() -> None:
    client = Client("http://127.0.0.1:9")
    assert client._http.timeout == DEFAULT_TIMEOUT
    assert DEFAULT_TIMEOUT.connect == 5 and DEFAULT_TIMEOUT.read == 60 and DEFAULT_TIMEOUT.write == 300
    assert Client("http://127.0.0.1:9", timeout=None)._http.timeout == DEFAULT_TIMEOUT
    assert Client("http://127.0.0.1:9", timeout=2)._http.timeout == httpx.Timeout(2)


def test_transport_seam() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    with Client("http://example.invalid/api/v1", transport=httpx.MockTransport(handler)) as client:
        assert client.list_jobs() == []
    assert str(seen[0].url) == "http://example.invalid/api/v1/jobs/"


@pytest.mark.engine
def test_local_engine_fallback(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    discovery = pytest.importorskip(
        "unstructured_nb.local.discovery", reason="unstructured_nb.local.discovery (issue 3) is not written yet"
    )
    import importlib.util

    if importlib.util.find_spec("unstructured_nb.local.__main__") is None:
        pytest.skip("the local engine (issue 3) cannot be started yet: unstructured_nb/local/__main__.py is missing")
    monkeypatch.delenv("UNSTRUCTURED_API_URL", raising=False)
    monkeypatch.setenv("UNSTRUCTURED_API_KEY", SECRET_KEY)  # a platform key is not meant for the local engine
    data_dir = tmp_path / "engine"
    try:
        with Client(local_data_dir=data_dir) as client:
            assert client.is_local and client.api_url == "http://localhost" and client.unix_socket  # no TCP port at all
            assert isinstance(client.list_workflows(), list)
            # the whole loop against the real engine: create, run with a file, poll, download
            doc = tmp_path / "note.md"
            doc.write_text("# Local title\n\nA paragraph of text.\n")
            wf = client.create_workflow("client-test", workflow_nodes=[{"name": "P", "type": "partition", "subtype": "fast"}])
            job = client.run_workflow(wf.id, files=[doc])
            deadline = time.monotonic() + 30
            while not job.done and time.monotonic() < deadline:
                time.sleep(0.05)
                job = client.get_job(job.id)
            assert job.status == "COMPLETED", client.get_job_details(job.id)
            elements = client.download_job_output(job.id, job.input_file_ids[0])
            assert any(e["text"] == "Local title" for e in elements)
            with pytest.raises(NotFoundError, match="list_workflows"):
                client.get_workflow("00000000-0000-4000-8000-000000000000")
            assert SECRET_KEY not in repr(client) and client._api_key != SECRET_KEY
            assert "local engine" in repr(client)
    finally:
        stop = getattr(discovery, "stop_local_engine", None)
        if stop is not None:
            stop(data_dir)
