"""``ClientProtocol``: the synchronous client surface that runs, the panel and the CLI rely on.

:class:`~unstructured_nb.client.Client` satisfies it; so may a test double or a wrapper.
Typing the runs layer against this protocol rather than ``Any`` keeps the seam honest.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from ..models import FailedFile, Job, JobDetails, JobStatus, Workflow

__all__ = ["ClientProtocol"]


@runtime_checkable
class ClientProtocol(Protocol):
    """What a run needs from a client: workflows, jobs, their details and outputs."""

    @property
    def api_url(self) -> str: ...

    @property
    def is_local(self) -> bool: ...

    def list_workflows(self, **filters: Any) -> list[Workflow]: ...

    def get_workflow(self, workflow_id: str) -> Workflow: ...

    def run_workflow(self, workflow_id: str, files: Any = None) -> Job: ...

    def create_job(
        self, *, template_id: str | None = None, job_nodes: list[dict[str, Any]] | None = None, files: Any = None
    ) -> Job: ...

    def list_jobs(self, workflow_id: str | None = None, status: str | JobStatus | None = None) -> list[Job]: ...

    def get_job(self, job_id: str) -> Job: ...

    def cancel_job(self, job_id: str) -> dict[str, Any]: ...

    def get_job_details(self, job_id: str) -> JobDetails: ...

    def get_job_failed_files(self, job_id: str) -> list[FailedFile]: ...

    def get_job_file_status(self, job_id: str) -> dict[str, Any]: ...

    def download_job_output(self, job_id: str, file_id: str, node_id: str | None = None) -> list[dict[str, Any]]: ...

    def list_templates(self) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...
