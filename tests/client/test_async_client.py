"""AsyncClient: the same wire format, errors and retry decisions as Client."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fake_api import LoopbackServer, Reply, closed_port_url
from unstructured_nb import (
    APIConnectionError,
    APITimeoutError,
    AsyncClient,
    Client,
    InputFileError,
    JobAlreadyRunningError,
    JobStatus,
    NotFoundError,
    ServerError,
    ValidationError,
)

from .conftest import SECRET_KEY, SleepRecorder


def run(coro_fn: Callable[[AsyncClient], Awaitable[Any]], server_url: str, sleeps: SleepRecorder | None = None, **kw: Any) -> Any:
    async def main() -> Any:
        async with AsyncClient(server_url, SECRET_KEY, **kw) as client:
            if sleeps is not None:
                client._sleep = sleeps.asleep
            return await coro_fn(client)

    return asyncio.run(main())


def test_run_get_and_wire_format(server: LoopbackServer, tmp_path: Path) -> None:
    wf = server.fake.add_workflow()
    (tmp_path / "a.md").write_text("# A\n")

    async def scenario(client: AsyncClient) -> Any:
        job = await client.run_workflow(wf["id"], files=[tmp_path / "a.md", ("b.txt", b"bee")])
        again = await client.get_job(job.id)
        jobs = await client.list_jobs(workflow_id=wf["id"], status="scheduled")
        out = await client.download_job_output(job.id, job.input_file_ids[0])
        return job, again, jobs, out

    job, again, jobs, out = run(scenario, server.url + "/api/v1/")
    assert job == again and job.status is JobStatus.SCHEDULED and [j.id for j in jobs] == [job.id]
    assert out[0]["text"] == job.input_file_ids[0]
    run_req = server.requests[0]
    assert (run_req.method, run_req.path) == ("POST", f"/api/v1/workflows/{wf['id']}/run")
    assert run_req.headers["unstructured-api-key"] == SECRET_KEY
    assert int(run_req.headers["content-length"]) == len(run_req.body)
    assert [(p.name, p.filename, p.content_type, p.data) for p in run_req.parts()] == [
        ("input_files", "a.md", "text/markdown", b"# A\n"),
        ("input_files", "b.txt", "text/plain", b"bee"),
    ]
    assert server.requests[2].query == {"workflow_id": [wf["id"]], "status": ["SCHEDULED"]}


def test_same_requests_as_sync_client(server: LoopbackServer) -> None:
    """Each method sends the same method, path, query and body in both clients."""
    wf = server.fake.add_workflow()
    job = server.fake.add_job(wf)
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
        ("list_workflows", (), {"name": "wf"}),
        ("get_workflow", (wf["id"],), {}),
        ("create_workflow", ("new",), {"workflow_nodes": [{"name": "p", "type": "partition", "subtype": "fast"}]}),
        ("update_workflow", (wf["id"],), {"name": "renamed"}),
        ("list_jobs", (), {"workflow_id": wf["id"]}),
        ("get_job", (job["id"],), {}),
        ("get_job_details", (job["id"],), {}),
        ("get_job_failed_files", (job["id"],), {}),
        ("get_job_file_status", (job["id"],), {}),
        ("cancel_job", (job["id"],), {}),
        ("list_templates", (), {}),
        ("get_template", ("hi_res_and_enrichment",), {}),
        ("create_job", (), {"template_id": "hi_res_and_enrichment"}),
        ("delete_workflow", (wf["id"],), {}),
    ]
    with Client(server.url, SECRET_KEY) as client:
        sync_results = [getattr(client, name)(*args, **kw) for name, args, kw in calls]
    sync_reqs = list(server.requests)
    server.fake.workflows[wf["id"]] = wf  # deleted above; restore for the async pass

    async def scenario(client: AsyncClient) -> list[Any]:
        return [await getattr(client, name)(*args, **kw) for name, args, kw in calls]

    async_results = run(scenario, server.url)
    async_reqs = server.requests[len(sync_reqs) :]

    def shape(r: Any) -> tuple[Any, ...]:
        body = (
            r.body
            if not r.headers.get("content-type", "").startswith("multipart")
            else [(p.name, p.filename, p.data) for p in r.parts()]
        )
        return r.method, r.path, r.query, body

    assert [shape(r) for r in sync_reqs] == [shape(r) for r in async_reqs]
    assert [type(x) for x in sync_results] == [type(x) for x in async_results]


def test_errors(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    wf = server.fake.add_workflow()
    server.script(
        "POST", f"/api/v1/workflows/{wf['id']}/run", Reply(202, {"detail": "There is a running job abc. No new job run."})
    )
    server.script("POST", "/api/v1/workflows/", Reply(422, {"detail": [{"loc": ["body", "name"], "msg": "field required"}]}))

    async def scenario(client: AsyncClient) -> list[BaseException]:
        errors: list[BaseException] = []
        for coro in (
            client.run_workflow(wf["id"]),
            client.create_workflow("x"),
            client.get_job("missing"),
        ):
            try:
                await coro
            except Exception as exc:
                errors.append(exc)
        with pytest.raises(InputFileError):
            await client.run_workflow(wf["id"], files=["/does/not/exist.pdf"])
        return errors

    running, invalid, missing = run(scenario, server.url, sleeps)
    assert isinstance(running, JobAlreadyRunningError)
    assert isinstance(invalid, ValidationError) and "body.name: field required" in str(invalid)
    assert isinstance(missing, NotFoundError) and "client.list_jobs()" in str(missing)
    for err in (running, invalid, missing):
        assert SECRET_KEY not in str(err) and SECRET_KEY not in repr(err)


def test_retries(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    wf = server.fake.add_workflow()
    run_path = f"/api/v1/workflows/{wf['id']}/run"
    server.script("GET", "/api/v1/jobs/", Reply(503, {"detail": "x"}), Reply(429, {"detail": "y"}, headers={"Retry-After": "2"}))
    server.script("POST", run_path, Reply(429, {"detail": "y"}, headers={"Retry-After": "1"}))

    async def scenario(client: AsyncClient) -> Any:
        jobs = await client.list_jobs()
        first = await client.run_workflow(wf["id"], files=[("a.txt", b"a")])  # 429 then the real job
        server.script("POST", run_path, Reply(503, {"detail": "z"}))
        with pytest.raises(ServerError):
            await client.run_workflow(wf["id"])  # 503: not retried
        return jobs, first

    jobs, first = run(scenario, server.url, sleeps)
    assert jobs == [] and len(server.calls("GET", "/api/v1/jobs/")) == 3
    assert sleeps.delays[1:] == [2.0, 1.0]
    assert len(server.calls("POST", run_path)) == 3  # 429 + success + the unretried 503
    assert list(server.fake.jobs) == [first.id]


def test_refused_and_timeout(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    url = closed_port_url()
    with pytest.raises(APIConnectionError, match=url.replace(".", r"\.")):
        run(lambda c: c.list_workflows(), url, sleeps)
    assert len(sleeps.delays) == 3
    server.script("GET", "/api/v1/templates/", Reply(200, [], delay=30))
    with pytest.raises(APITimeoutError, match="read timeout"):
        run(lambda c: c.list_templates(), server.url, sleeps, timeout=httpx.Timeout(5, read=0.2), max_retries=0)


def test_repr_masks_key(server: LoopbackServer) -> None:
    client = AsyncClient(server.url, SECRET_KEY)
    assert SECRET_KEY not in repr(client) and "AsyncClient(" in repr(client)
    asyncio.run(client.aclose())
