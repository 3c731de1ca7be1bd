"""A scripted in-memory stand-in for ``Client`` for unit tests of tracking (no network)."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any

from unstructured_nb.errors import NotFoundError
from unstructured_nb.models import FailedFile, Job, JobDetails, Workflow

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=timezone.utc)


def make_job(job_id: str, status: str = "SCHEDULED", workflow_id: str = "wf-1", **extra: Any) -> Job:
    data = {
        "id": job_id,
        "workflow_id": workflow_id,
        "workflow_name": "partition",
        "status": status,
        "created_at": T0.isoformat(),
    }
    data.update(extra)
    return Job.from_api(data)


class FakeClient:
    """Jobs advance through a scripted list of statuses, one step per ``get_job``/``list_jobs``.

    ``errors`` is a list of exceptions raised (in order) by the next status requests.
    Every call is recorded in ``calls`` as (method, args).
    """

    def __init__(self, workflows: list[Workflow] | None = None) -> None:
        self.workflows = workflows or [
            Workflow.from_api(
                {
                    "id": "wf-1",
                    "name": "partition",
                    "workflow_nodes": [{"id": "n1", "name": "Partitioner", "type": "partition", "subtype": "fast"}],
                }
            ),
            Workflow.from_api({"id": "wf-2", "name": "partition-and-chunk"}),
        ]
        self.scripts: dict[str, list[str]] = {}
        self.errors: list[BaseException] = []
        self.calls: list[tuple[str, tuple]] = []
        self.outputs: dict[tuple[str, str | None], list[dict]] = {}
        self.failed: dict[str, list[FailedFile]] = {}
        self.job_extra: dict[str, dict] = {}
        self._lock = threading.Lock()
        self._n = 0

    def _record(self, name: str, *args: Any) -> None:
        with self._lock:
            self.calls.append((name, args))

    def count(self, name: str) -> int:
        return sum(1 for c in self.calls if c[0] == name)

    def _raise_scripted(self) -> None:
        if self.errors:
            raise self.errors.pop(0)

    def _advance(self, job_id: str) -> Job:
        script = self.scripts[job_id]
        status = script.pop(0) if len(script) > 1 else script[0]
        return make_job(job_id, status, **self.job_extra.get(job_id, {}))

    # -- the Client surface used by tracking -----------------------------------------
    def list_workflows(self, **filters: Any) -> list[Workflow]:
        self._record("list_workflows")
        return list(self.workflows)

    def get_workflow(self, workflow_id: str) -> Workflow:
        self._record("get_workflow", workflow_id)
        for wf in self.workflows:
            if wf.id == workflow_id:
                return wf
        raise NotFoundError(f"Workflow {workflow_id} not found")

    def run_workflow(self, workflow_id: str, files: Any = None) -> Job:
        self._record("run_workflow", workflow_id, files)
        self._n += 1
        job_id = f"job-{self._n}"
        self.scripts.setdefault(job_id, ["SCHEDULED", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"])
        return make_job(job_id, "SCHEDULED", workflow_id)

    def get_job(self, job_id: str) -> Job:
        self._record("get_job", job_id)
        self._raise_scripted()
        if job_id not in self.scripts:
            raise NotFoundError(f"Job {job_id} not found")
        return self._advance(job_id)

    def list_jobs(self, workflow_id: str | None = None, status: Any = None) -> list[Job]:
        self._record("list_jobs", workflow_id, status)
        self._raise_scripted()
        return [self._advance(j) for j in list(self.scripts)]

    def get_job_details(self, job_id: str) -> JobDetails:
        self._record("get_job_details", job_id)
        return JobDetails.from_api(
            {
                "id": job_id,
                "processing_status": "IN_PROGRESS",
                "node_stats": [
                    {
                        "node_name": "Partitioner",
                        "node_type": "partition",
                        "node_subtype": "fast",
                        "ready": 1,
                        "in_progress": 1,
                        "success": 1,
                        "failure": 0,
                    }
                ],
            }
        )

    def get_job_failed_files(self, job_id: str) -> list[FailedFile]:
        self._record("get_job_failed_files", job_id)
        return self.failed.get(job_id, [])

    def cancel_job(self, job_id: str) -> dict:
        self._record("cancel_job", job_id)
        self.scripts[job_id] = ["STOPPED"]
        return {"id": job_id}

    def download_job_output(self, job_id: str, file_id: str, node_id: str | None = None) -> list[dict]:
        self._record("download_job_output", job_id, file_id, node_id)
        return self.outputs[(file_id, node_id)]


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
