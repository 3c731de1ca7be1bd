"""Every error class from a real server answer (or a real failed connection), and no key in any of them."""

from __future__ import annotations

import logging

import httpx
import pytest

from tests.fake_api import LoopbackServer, Reply, closed_port_url
from unstructured_nb import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    Client,
    JobAlreadyRunningError,
    NotFoundError,
    RateLimitError,
    ServerError,
    UnstructuredError,
    ValidationError,
)

from .conftest import SECRET_KEY, SleepRecorder

RUNNING = "There is a running job 1234 for workflow wf in progress. No new job run."


def _client(server: LoopbackServer, sleeps: SleepRecorder, **kw: object) -> Client:
    client = Client(server.url, SECRET_KEY, **kw)  # type: ignore[arg-type]
    client._sleep = sleeps
    return client


def _assert_clean(err: BaseException) -> None:
    """The key is nowhere in what a user or a log could see of the error."""
    seen = [str(err), repr(err), *(str(v) for v in vars(err).values()), *map(str, err.args)]
    assert not any(SECRET_KEY in s for s in seen), seen
    assert "\n" not in str(err).strip() or isinstance(err, UnstructuredError)


def test_401_without_key_says_how_to_set_it(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    server.script("GET", "/api/v1/jobs/", Reply(401, {"detail": "API key is missing, please provide an API key in the header."}))
    with Client(server.url) as client, pytest.raises(AuthenticationError) as info:
        client.list_jobs()
    msg = str(info.value)
    assert "GET /api/v1/jobs/" in msg and "401 Unauthorized" in msg and "API key is missing" in msg
    assert "No API key was sent" in msg and "UNSTRUCTURED_API_KEY" in msg
    assert info.value.status_code == 401 and info.value.path == "/api/v1/jobs/"


@pytest.mark.parametrize("status", [401, 403])
def test_rejected_key_is_never_quoted(server: LoopbackServer, sleeps: SleepRecorder, status: int) -> None:
    # a server that echoes the key back must not make us print it
    server.script("GET", "/api/v1/workflows/", Reply(status, {"detail": f"Invalid API key {SECRET_KEY}"}))
    with _client(server, sleeps) as client, pytest.raises(AuthenticationError) as info:
        client.list_workflows()
    _assert_clean(info.value)
    assert "Invalid API key ***" in str(info.value)
    assert "UNSTRUCTURED_API_KEY" in str(info.value) and "was not accepted" in str(info.value)
    assert sleeps.delays == []  # auth errors are not retried


def test_404_workflow_points_to_listing(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    with _client(server, sleeps) as client, pytest.raises(NotFoundError) as info:
        client.run_workflow("0b6b2b3c-0000-4000-8000-000000000000")
    msg = str(info.value)
    assert "POST /api/v1/workflows/0b6b2b3c-0000-4000-8000-000000000000/run" in msg
    assert "Workflow not found" in msg
    assert "client.list_workflows()" in msg  # plain Python's words: the CLI's and the notebook's are in tests/test_hints.py
    _assert_clean(info.value)


def test_404_job_and_unknown_route(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    with _client(server, sleeps) as client:
        with pytest.raises(NotFoundError, match=r"client\.list_jobs\(\)"):
            client.get_job("nope")
        server.script("GET", "/api/v1/jobs/", Reply(404, {"detail": "Not Found"}))
        with pytest.raises(NotFoundError, match="UNSTRUCTURED_API_URL") as info:
            client.list_jobs()
    _assert_clean(info.value)


def test_422_detail_rendered_as_lines(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    detail = [
        {"loc": ["body", "name"], "msg": "field required", "type": "missing"},
        {"loc": ["query", "workflow_id"], "msg": "value is not a valid uuid", "type": "uuid"},
    ]
    server.script("POST", "/api/v1/workflows/", Reply(422, {"detail": detail}))
    with _client(server, sleeps) as client, pytest.raises(ValidationError) as info:
        client.create_workflow("x")
    msg = str(info.value)
    assert "body.name: field required" in msg and "query.workflow_id: value is not a valid uuid" in msg
    assert "POST /api/v1/workflows/" in msg and "422" in msg
    assert info.value.detail == detail
    _assert_clean(info.value)


def test_429_exhausted_carries_retry_after(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    server.script("GET", "/api/v1/jobs/", *[Reply(429, {"detail": "Too many requests"}, headers={"Retry-After": "2"})] * 4)
    with _client(server, sleeps) as client, pytest.raises(RateLimitError) as info:
        client.list_jobs()
    assert info.value.retry_after == 2.0
    assert sleeps.delays == [2.0, 2.0, 2.0]
    assert "after 4 attempts" in str(info.value) and "Wait 2 s" in str(info.value)
    _assert_clean(info.value)


def test_5xx_on_get_after_retries(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    server.script("GET", "/api/v1/jobs/", *[Reply(502, body=b"<html>bad gateway</html>")] * 4)
    with _client(server, sleeps) as client, pytest.raises(ServerError) as info:
        client.list_jobs()
    assert len(server.requests) == 4 and len(sleeps.delays) == 3
    assert "502 Bad Gateway" in str(info.value) and "bad gateway" in str(info.value)
    _assert_clean(info.value)


def test_other_status_and_redirect(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    server.script("GET", "/api/v1/jobs/", Reply(400, {"detail": "Bad filter"}))
    server.script(
        "GET", "/api/v1/workflows/", Reply(307, {}, headers={"Location": "https://elsewhere.example/api/v1/workflows/"})
    )
    with _client(server, sleeps) as client:
        with pytest.raises(APIStatusError, match="Bad filter"):
            client.list_jobs()
        with pytest.raises(APIStatusError, match=r"redirected to https://elsewhere\.example") as info:
            client.list_workflows()
    assert len(server.calls("GET", "/api/v1/workflows/")) == 1  # not followed: the key stays here
    _assert_clean(info.value)


def test_non_json_success_body(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    server.script("GET", "/api/v1/jobs/", Reply(200, body=b"<html>login page</html>", headers={"Content-Type": "text/html"}))
    server.script("GET", "/api/v1/workflows/", Reply(200, {"items": []}))
    with _client(server, sleeps) as client:
        with pytest.raises(APIStatusError, match=r"not JSON.*login page"):
            client.list_jobs()
        with pytest.raises(APIStatusError, match="not a list of workflows"):
            client.list_workflows()


@pytest.mark.parametrize("status", [202, 200, 400, 409])
def test_running_job_answer(server: LoopbackServer, sleeps: SleepRecorder, status: int) -> None:
    wf = server.fake.add_workflow()
    server.script("POST", f"/api/v1/workflows/{wf['id']}/run", Reply(status, {"detail": RUNNING}))
    with _client(server, sleeps) as client, pytest.raises(JobAlreadyRunningError) as info:
        client.run_workflow(wf["id"])
    msg = str(info.value)
    assert "already has one running" in msg and "No new job run" in msg and wf["id"] in msg
    assert "client.cancel_job" in msg
    assert info.value.status_code == status
    assert len(server.requests) == 1 and sleeps.delays == []
    _assert_clean(info.value)


def test_connection_refused_is_quick_and_names_url(sleeps: SleepRecorder) -> None:
    url = closed_port_url()
    client = Client(url + "/api/v1", SECRET_KEY)
    client._sleep = sleeps
    with pytest.raises(APIConnectionError) as info:
        client.get_job("j1")
    assert not isinstance(info.value, APITimeoutError)
    msg = str(info.value)
    assert url in msg and "UNSTRUCTURED_API_URL" in msg and "server is up" in msg
    assert len(sleeps.delays) == 3  # bounded: max_retries, then the error
    _assert_clean(info.value)


def test_connection_refused_with_real_backoff_is_bounded() -> None:
    # No sleep seam: the real backoff (full jitter, capped) must stay short.
    client = Client(closed_port_url(), SECRET_KEY, max_retries=2)
    client._retry = type(client._retry)(max_retries=2, backoff_base=0.05)
    with pytest.raises(APIConnectionError, match="after 3 attempts"):
        client.list_workflows()


def test_slow_server_times_out(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    server.script("GET", "/api/v1/jobs/", *[Reply(200, [], delay=30)] * 2)
    client = _client(server, sleeps, timeout=httpx.Timeout(5, read=0.2), max_retries=1)
    with client, pytest.raises(APITimeoutError) as info:
        client.list_jobs()
    msg = str(info.value)
    assert "read timeout (0.2 s)" in msg and "httpx.Timeout(60, read=300)" in msg
    assert len(server.requests) == 2  # a read timeout on a GET is retried
    _assert_clean(info.value)


def test_slow_run_is_not_retried_and_says_job_may_exist(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    wf = server.fake.add_workflow()
    server.script("POST", f"/api/v1/workflows/{wf['id']}/run", Reply(202, {}, delay=30))
    client = _client(server, sleeps, timeout=httpx.Timeout(5, read=0.2))
    with client, pytest.raises(APITimeoutError, match="may still have started the job"):
        client.run_workflow(wf["id"], files=[("a.txt", b"a")])
    assert len(server.requests) == 1 and sleeps.delays == []


def test_bad_key_characters_refused_without_quoting() -> None:
    with pytest.raises(AuthenticationError) as info:
        Client("http://127.0.0.1:9", SECRET_KEY + "\nX")
    _assert_clean(info.value)


def test_logs_never_contain_key(server: LoopbackServer, sleeps: SleepRecorder, caplog: pytest.LogCaptureFixture) -> None:
    wf = server.fake.add_workflow()
    server.script("GET", "/api/v1/jobs/", Reply(503, {"detail": f"down {SECRET_KEY}"}), Reply(200, []))
    with caplog.at_level(logging.DEBUG, logger="unstructured_nb.client"), _client(server, sleeps) as client:
        client.list_jobs()
        client.run_workflow(wf["id"], files=[("a.txt", b"a")])
        with pytest.raises(NotFoundError):
            client.get_job("missing")
    text = caplog.text
    assert "GET /api/v1/jobs/ -> 503" in text and "retrying GET /api/v1/jobs/" in text
    assert f"POST /api/v1/workflows/{wf['id']}/run -> 202" in text
    assert SECRET_KEY not in text


def test_every_error_path_keeps_the_key_out(server: LoopbackServer, sleeps: SleepRecorder) -> None:
    """One sweep: each status the mapping knows, with the key echoed in the body and headers."""
    for status in (400, 401, 403, 404, 409, 422, 429, 500, 503, 301):
        server.script(
            "GET",
            "/api/v1/templates/",
            *[
                Reply(
                    status,
                    {"detail": f"echo {SECRET_KEY}", "key": SECRET_KEY},
                    headers={"Location": f"http://x/?k={SECRET_KEY}", "X-Key": SECRET_KEY},
                )
            ]
            * 4,
        )
        with _client(server, sleeps) as client, pytest.raises(UnstructuredError) as info:
            client.list_templates()
        _assert_clean(info.value)
        assert str(info.value).startswith("GET /api/v1/templates/")
