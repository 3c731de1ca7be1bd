"""Fixtures for the local engine tests: in-process engines on temporary data dirs, SDK clients, polling."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from unstructured_nb.local import EngineServer, serve

TERMINAL = {"COMPLETED", "FAILED", "STOPPED"}
KEY = "test-key-0123456789"


@pytest.fixture(scope="session")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    """A keyless engine with 2 workers and a 1 MB upload limit, shared by the tests."""
    srv = serve(data_dir=tmp_path_factory.mktemp("engine-data"), workers=2, max_upload_bytes=1024 * 1024)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def keyed_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineServer]:
    srv = serve(data_dir=tmp_path_factory.mktemp("keyed-data"), workers=1, api_key=KEY)
    yield srv
    srv.stop()


@pytest.fixture
def http(engine: EngineServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=engine.url, timeout=30) as c:
        yield c


@pytest.fixture
def sdk(engine: EngineServer) -> Any:
    from unstructured_client import UnstructuredClient
    from unstructured_client.utils import BackoffStrategy, RetryConfig

    # no retries: a 5xx must fail the test, not be retried for 30 minutes
    return UnstructuredClient(
        server_url=engine.url, timeout_ms=30000, retry_config=RetryConfig("none", BackoffStrategy(1, 1, 1, 1), False)
    )


def wait_until(predicate: Callable[[], Any], timeout: float = 60.0, interval: float = 0.02, what: str = "condition") -> Any:
    """Poll ``predicate`` until it returns something truthy (bounded; no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def wait_job(http: httpx.Client, job_id: str, statuses: set[str] = TERMINAL, timeout: float = 60.0) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        job = http.get(f"/api/v1/jobs/{job_id}").json()
        return job if job["status"] in statuses else None

    return wait_until(check, timeout, what=f"job {job_id} to reach {sorted(statuses)}")


def workflow_id(http: httpx.Client, name: str = "partition") -> str:
    return next(w["id"] for w in http.get("/api/v1/workflows/").json() if w["name"] == name)


def run(http: httpx.Client, wf_id: str, files: list[tuple[str, bytes]], field: str = "input_files") -> httpx.Response:
    return http.post(f"/api/v1/workflows/{wf_id}/run", files=[(field, (name, data)) for name, data in files])


def files_under(path: Path) -> set[Path]:
    return {p for p in Path(path).rglob("*") if p.is_file()}
