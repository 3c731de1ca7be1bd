"""Helpers for tests that drive a local engine over HTTP: run a workflow, wait for its job, find workflows, processes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx

from tests.polling import wait_until

__all__ = ["KEY", "REPO", "TERMINAL", "child_env", "files_under", "process_alive", "run", "sdk_client", "wait_job", "workflow_id"]

#: The checkout, put on PYTHONPATH of the engines and interpreters the tests start.
REPO = Path(__file__).resolve().parents[2]
TERMINAL = frozenset({"COMPLETED", "FAILED", "STOPPED"})
#: The key of the ``keyed_engine`` fixture.
KEY = "test-key-0123456789"


def child_env(**extra: str) -> dict[str, str]:
    """This environment, with the checkout importable (and ``extra`` set)."""
    return dict(os.environ, PYTHONPATH=str(REPO), **extra)


def wait_job(
    http: httpx.Client, job_id: str, statuses: frozenset[str] | set[str] = TERMINAL, timeout: float = 60.0
) -> dict[str, Any]:
    """The job's JSON once its status is one of ``statuses``."""

    def check() -> dict[str, Any] | None:
        job: dict[str, Any] = http.get(f"/api/v1/jobs/{job_id}").json()
        return job if job["status"] in statuses else None

    job = wait_until(check, timeout, what=f"job {job_id} to reach {sorted(statuses)}")
    assert job is not None  # wait_until returns only a truthy value
    return job


def workflow_id(http: httpx.Client, name: str = "partition") -> str:
    """The id of a seeded workflow."""
    return next(str(w["id"]) for w in http.get("/api/v1/workflows/").json() if w["name"] == name)


def run(http: httpx.Client, wf_id: str, files: list[tuple[str, bytes]], field: str = "input_files") -> httpx.Response:
    """POST the files to the workflow's run endpoint as multipart parts named ``field``."""
    return http.post(f"/api/v1/workflows/{wf_id}/run", files=[(field, (name, data)) for name, data in files])


def files_under(path: Path) -> set[Path]:
    return {p for p in Path(path).rglob("*") if p.is_file()}


def process_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def sdk_client(url: str, api_key: str | None = None) -> Any:
    """The official SDK against ``url``, without retries: a 5xx must fail the test, not be retried for 30 minutes."""
    from unstructured_client import UnstructuredClient
    from unstructured_client.utils import BackoffStrategy, RetryConfig

    no_retries = RetryConfig("none", BackoffStrategy(1, 1, 1, 1), False)
    return UnstructuredClient(server_url=url, api_key_auth=api_key, timeout_ms=30000, retry_config=no_retries)
