"""Retries: reads recover from transient failures; a run is never sent twice unless provably unreceived."""

from __future__ import annotations

import email.utils
import io
import time
from pathlib import Path

import httpx
import pytest

from tests.fake_api import FakeAPI, LoopbackServer, Reply, closed_port_url
from unstructured_nb import Client, RateLimitError, ServerError
from unstructured_nb.client.retry import RetryPolicy, parse_retry_after

from .conftest import SleepRecorder


def _client(server: LoopbackServer, sleeps: SleepRecorder, **kw: object) -> Client:
    client = Client(server.url, **kw)  # type: ignore[arg-type]
    client._sleep = sleeps
    return client


def test_get_recovers_from_503_then_429(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    wf = server.fake.add_workflow()
    path = f"/api/v1/workflows/{wf['id']}"
    server.script(
        "GET", path, Reply(503, {"detail": "restarting"}), Reply(429, {"detail": "slow down"}, headers={"Retry-After": "1.5"})
    )
    with _client(server, sleeps) as client:
        assert client.get_workflow(wf["id"]).id == wf["id"]
    assert len(server.calls("GET", path)) == 3
    assert len(sleeps.delays) == 2
    assert 0 <= sleeps.delays[0] <= 0.5  # full jitter of the first backoff step
    assert sleeps.delays[1] == 1.5  # Retry-After honoured exactly


def test_retry_after_http_date(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    when = email.utils.formatdate(time.time() + 20, usegmt=True)
    server.script("GET", "/api/v1/jobs/", Reply(429, {"detail": "later"}, headers={"Retry-After": when}))
    with _client(server, sleeps) as client:
        client.list_jobs()
    assert len(sleeps.delays) == 1 and 17 <= sleeps.delays[0] <= 21


def test_retry_after_beyond_cap_is_not_waited(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    server.script("GET", "/api/v1/jobs/", Reply(429, {"detail": "quota"}, headers={"Retry-After": "3600"}))
    with _client(server, sleeps) as client, pytest.raises(RateLimitError) as info:
        client.list_jobs()
    assert info.value.retry_after == 3600 and sleeps.delays == []


def test_post_run_503_is_not_retried(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    wf = server.fake.add_workflow()
    path = f"/api/v1/workflows/{wf['id']}/run"
    server.script("POST", path, Reply(503, {"detail": "overloaded"}))
    with _client(server, sleeps) as client, pytest.raises(ServerError) as info:
        client.run_workflow(wf["id"], files=[("a.txt", b"a")])
    assert len(server.calls("POST", path)) == 1 and sleeps.delays == []
    assert "not retried" in str(info.value) and f"list_jobs(workflow_id={wf['id']!r})" in str(info.value)


def test_post_run_after_429_is_retried_and_creates_one_job(server: LoopbackServer, sleeps: SleepRecorder, tmp_path: Path) -> None:
    wf = server.fake.add_workflow()
    path = f"/api/v1/workflows/{wf['id']}/run"
    server.script("POST", path, Reply(429, {"detail": "one launch per second"}, headers={"Retry-After": "1"}))
    disk = tmp_path / "doc.md"
    disk.write_text("# Doc\n")
    fileobj = io.BytesIO(b"from memory")
    fileobj.name = "mem.txt"  # type: ignore[attr-defined]
    with _client(server, sleeps) as client:
        job = client.run_workflow(wf["id"], files=[disk, fileobj, ("c.txt", b"pair")])
        jobs = client.list_jobs(workflow_id=wf["id"])
    posts = server.calls("POST", path)
    assert len(posts) == 2 and sleeps.delays == [1.0]
    assert [j.id for j in jobs] == [job.id]  # exactly one job exists
    # the retry sent the same bytes: the path was reopened and the file object rewound
    first, second = (p.parts() for p in posts)
    assert (
        [(p.filename, p.data) for p in first]
        == [(p.filename, p.data) for p in second]
        == [("doc.md", b"# Doc\n"), ("mem.txt", b"from memory"), ("c.txt", b"pair")]
    )


def test_post_run_retried_when_connection_refused(tmp_path: Path) -> None:
    # Nothing listens at the first attempt; the server starts during the backoff sleep, so
    # the retry (allowed: the refused attempt provably sent nothing) creates the job.
    url = closed_port_url()
    fake = FakeAPI()
    wf = fake.add_workflow()
    started: list[LoopbackServer] = []
    waits: list[float] = []

    def start_server(seconds: float) -> None:
        waits.append(seconds)
        if not started:  # binding is what makes the port accept connections, so bind only now
            started.append(LoopbackServer(fake, port=int(url.rsplit(":", 1)[1])).start())

    client = Client(url)
    client._sleep = start_server
    try:
        job = client.run_workflow(wf["id"], files=[("a.txt", b"a")])
    finally:
        client.close()
        for srv in started:
            srv.stop()
    assert job.workflow_id == wf["id"] and len(waits) == 1
    posts = started[0].calls("POST")
    assert len(posts) == 1 and posts[0].parts()[0].data == b"a"


def test_policy_decisions() -> None:
    policy = RetryPolicy(max_retries=3)
    req = httpx.Request("GET", "http://x")
    resp = lambda status, **h: httpx.Response(status, headers=h, request=req)  # noqa: E731
    assert policy.delay(method="GET", retry_number=0, elapsed=0, response=resp(503)) is not None
    assert policy.delay(method="POST", retry_number=0, elapsed=0, response=resp(503)) is None
    assert policy.delay(method="POST", retry_number=0, elapsed=0, response=resp(429)) is not None
    assert policy.delay(method="GET", retry_number=0, elapsed=0, response=resp(404)) is None
    assert policy.delay(method="GET", retry_number=3, elapsed=0, response=resp(503)) is None  # count bound
    assert (
        policy.delay(method="GET", retry_number=0, elapsed=89.9, response=resp(429, **{"Retry-After": "5"})) is None
    )  # time bound
    assert policy.delay(method="POST", retry_number=0, elapsed=0, error=httpx.ConnectError("refused")) is not None
    assert policy.delay(method="POST", retry_number=0, elapsed=0, error=httpx.ReadTimeout("slow")) is None
    assert policy.delay(method="POST", retry_number=0, elapsed=0, error=httpx.RemoteProtocolError("eof")) is None
    assert policy.delay(method="GET", retry_number=0, elapsed=0, error=httpx.ReadTimeout("slow")) is not None
    assert policy.delay(method="POST", retry_number=0, elapsed=0, response=resp(429), replayable=False) is None
    for n in range(10):
        assert 0 <= policy.backoff(n) <= policy.backoff_max


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("") is None and parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past: no wait
