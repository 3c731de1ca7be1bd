"""One function per Workflow API endpoint: the request to send and how to read its answer.

These are shared by :class:`~unstructured_nb.client.Client` and
:class:`~unstructured_nb.client.AsyncClient`: the clients only execute a :class:`Call`.
Paths follow the platform's conventions exactly (collections with a trailing slash,
items without), see section 2 of WORKFLOW_API.md.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar
from urllib.parse import quote

from ..config import API_PREFIX
from ..models import FailedFile, Job, JobDetails, JobStatus, Workflow, WorkflowNode, format_datetime
from .multipart import MultipartBody, collect_files

T = TypeVar("T")

__all__ = ["LIST_WORKFLOWS_FILTERS", "WORKFLOW_FIELDS", "Call", "UnexpectedBody"]


class UnexpectedBody(Exception):
    """A 2xx answer whose JSON is not what the endpoint returns (wrong server, proxy page...)."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


@dataclass(frozen=True)
class Call(Generic[T]):
    """Everything needed to send one request and turn its answer into a result."""

    method: str
    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, str] | None = None
    json: Any = None
    body: MultipartBody | None = None
    # what the path names, for the "what to do" part of a 404 message
    resource: str | None = None
    resource_id: str | None = None

    @property
    def target(self) -> str:
        """``METHOD /path`` as shown in messages and logs."""
        return f"{self.method} {self.path}"


# --- small helpers ------------------------------------------------------------------------


def _id(value: Any, name: str) -> str:
    """An id for a path segment; a Job/Workflow (anything with ``.id``) is accepted too."""
    value = getattr(value, "id", value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string id, got {value!r}")
    return value.strip()


def _seg(value: str) -> str:
    # Quote everything, '/' included, so an id can never point at another endpoint.
    return quote(value, safe="")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_datetime(value) or ""
    return str(value)


def _object(data: Any, what: str, required: tuple[str, ...] = ("id",)) -> Mapping[str, Any]:
    if not isinstance(data, Mapping) or any(k not in data for k in required):
        raise UnexpectedBody(what)
    return data


def _array(data: Any, what: str) -> list[Any]:
    if not isinstance(data, list):
        raise UnexpectedBody(what)
    return data


def _job(data: Any) -> Job:
    return Job.from_api(_object(data, "a job (JobInformation)", ("id", "status")))


def _jobs(data: Any) -> list[Job]:
    return [_job(item) for item in _array(data, "a list of jobs")]


def _workflow(data: Any) -> Workflow:
    return Workflow.from_api(_object(data, "a workflow (WorkflowInformation)", ("id", "name")))


def _workflows(data: Any) -> list[Workflow]:
    return [_workflow(item) for item in _array(data, "a list of workflows")]


def _details(data: Any) -> JobDetails:
    return JobDetails.from_api(_object(data, "job details", ("id", "processing_status")))


def _failed_files(data: Any) -> list[FailedFile]:
    obj = _object(data, "a failed-files report", ("failed_files",))
    return [FailedFile.from_api(item) for item in _array(obj["failed_files"], "a list of failed files")]


def _any(data: Any) -> Any:
    return data


def _dict(data: Any) -> dict[str, Any]:
    # cancel and delete are untyped in the API; keep whatever came back, as a dict
    if data is None:
        return {}
    return dict(data) if isinstance(data, Mapping) else {"response": data}


def _none(data: Any) -> None:
    return None


def _template(data: Any) -> dict[str, Any]:
    return dict(_object(data, "a template", ("id",)))


def _templates(data: Any) -> list[dict[str, Any]]:
    return [_template(item) for item in _array(data, "a list of templates")]


def _node(node: Any) -> Any:
    if isinstance(node, WorkflowNode):
        return {k: v for k, v in node.to_api().items() if v is not None}
    if isinstance(node, Mapping):
        return dict(node)
    raise TypeError(f"workflow nodes must be dicts or WorkflowNode, got {type(node).__name__}")


def _workflow_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None:
            continue
        if key == "workflow_nodes":
            value = [_node(n) for n in value]
        elif isinstance(value, enum.Enum):
            value = value.value
        body[key] = value
    return body


def _files_body(files: Any, fields: Mapping[str, str] | None = None) -> MultipartBody | None:
    uploads = collect_files(files)
    if not uploads and not fields:
        return None
    return MultipartBody(uploads, fields)


# --- endpoints ----------------------------------------------------------------------------

LIST_WORKFLOWS_FILTERS = frozenset(
    {
        "source_id",
        "destination_id",
        "status",
        "name",
        "page",
        "page_size",
        "created_since",
        "created_before",
        "dag_node_configuration_id",
        "show_only_soft_deleted",
        "show_recommender_workflows",
        "sort_by",
        "sort_direction",
    }
)
WORKFLOW_FIELDS = frozenset(
    {"name", "workflow_type", "source_id", "destination_id", "template_id", "workflow_nodes", "reprocess_all", "schedule"}
)

_WF = f"{API_PREFIX}/workflows"
_JOBS = f"{API_PREFIX}/jobs"
_TEMPLATES = f"{API_PREFIX}/templates"


def list_workflows(filters: Mapping[str, Any]) -> Call[list[Workflow]]:
    unknown = sorted(set(filters) - LIST_WORKFLOWS_FILTERS)
    if unknown:
        raise TypeError(
            f"list_workflows() got unknown filter(s) {', '.join(unknown)}; "
            f"known filters: {', '.join(sorted(LIST_WORKFLOWS_FILTERS))}"
        )
    params = {k: _query_value(v) for k, v in filters.items() if v is not None}
    return Call("GET", f"{_WF}/", _workflows, params=params or None, resource="workflow")


def get_workflow(workflow_id: Any) -> Call[Workflow]:
    wid = _id(workflow_id, "workflow_id")
    return Call("GET", f"{_WF}/{_seg(wid)}", _workflow, resource="workflow", resource_id=wid)


def create_workflow(fields: Mapping[str, Any]) -> Call[Workflow]:
    if not isinstance(fields.get("name"), str) or not fields["name"].strip():
        raise ValueError("create_workflow() needs a non-empty name")
    return Call("POST", f"{_WF}/", _workflow, json=_workflow_body(fields), resource="workflow")


def update_workflow(workflow_id: Any, fields: Mapping[str, Any]) -> Call[Workflow]:
    wid = _id(workflow_id, "workflow_id")
    unknown = sorted(set(fields) - WORKFLOW_FIELDS)
    if unknown:
        raise TypeError(
            f"update_workflow() got unknown field(s) {', '.join(unknown)}; fields: {', '.join(sorted(WORKFLOW_FIELDS))}"
        )
    if not fields:
        raise TypeError("update_workflow() needs at least one field to change")
    return Call("PUT", f"{_WF}/{_seg(wid)}", _workflow, json=_workflow_body(fields), resource="workflow", resource_id=wid)


def delete_workflow(workflow_id: Any) -> Call[None]:
    wid = _id(workflow_id, "workflow_id")
    return Call("DELETE", f"{_WF}/{_seg(wid)}", _none, resource="workflow", resource_id=wid)


def run_workflow(workflow_id: Any, files: Any) -> Call[Job]:
    wid = _id(workflow_id, "workflow_id")
    # Files are checked here, before any request exists, so a typo sends nothing.
    return Call("POST", f"{_WF}/{_seg(wid)}/run", _job, body=_files_body(files), resource="workflow", resource_id=wid)


def create_job(template_id: str | None, job_nodes: Any, files: Any) -> Call[Job]:
    if (template_id is None) == (job_nodes is None):
        raise ValueError("create_job() needs exactly one of template_id or job_nodes")
    request_data: dict[str, Any]
    if template_id is not None:
        request_data = {"template_id": _id(template_id, "template_id")}
    else:
        request_data = {"job_nodes": [_node(n) for n in job_nodes]}
    body = _files_body(files, {"request_data": json.dumps(request_data)})
    return Call("POST", f"{_JOBS}/", _job, body=body, resource="template" if template_id else None, resource_id=template_id)


def list_jobs(workflow_id: Any = None, status: Any = None) -> Call[list[Job]]:
    params: dict[str, str] = {}
    if workflow_id is not None:
        params["workflow_id"] = _id(workflow_id, "workflow_id")
    if status is not None:
        if isinstance(status, str) and not isinstance(status, JobStatus):
            status = JobStatus(status.strip())  # normalises case for known statuses
        params["status"] = _query_value(status)
    return Call(
        "GET",
        f"{_JOBS}/",
        _jobs,
        params=params or None,
        resource="workflow" if workflow_id else None,
        resource_id=params.get("workflow_id"),
    )


def get_job(job_id: Any) -> Call[Job]:
    jid = _id(job_id, "job_id")
    return Call("GET", f"{_JOBS}/{_seg(jid)}", _job, resource="job", resource_id=jid)


def cancel_job(job_id: Any) -> Call[dict[str, Any]]:
    jid = _id(job_id, "job_id")
    return Call("POST", f"{_JOBS}/{_seg(jid)}/cancel", _dict, resource="job", resource_id=jid)


def get_job_details(job_id: Any) -> Call[JobDetails]:
    jid = _id(job_id, "job_id")
    return Call("GET", f"{_JOBS}/{_seg(jid)}/details", _details, resource="job", resource_id=jid)


def get_job_failed_files(job_id: Any) -> Call[list[FailedFile]]:
    jid = _id(job_id, "job_id")
    return Call("GET", f"{_JOBS}/{_seg(jid)}/failed-files", _failed_files, resource="job", resource_id=jid)


def get_job_file_status(job_id: Any) -> Call[dict[str, Any]]:
    jid = _id(job_id, "job_id")
    return Call("GET", f"{_JOBS}/{_seg(jid)}/file-status", _file_status, resource="file-status", resource_id=jid)


def _file_status(data: Any) -> dict[str, Any]:
    return dict(_object(data, "a file-status report", ()))


def download_job_output(job_id: Any, file_id: Any, node_id: Any = None) -> Call[Any]:
    jid = _id(job_id, "job_id")
    params = {"file_id": _id(file_id, "file_id")}
    if node_id is not None:
        params["node_id"] = _id(node_id, "node_id")
    return Call("GET", f"{_JOBS}/{_seg(jid)}/download", _any, params=params, resource="download", resource_id=jid)


def list_templates() -> Call[list[dict[str, Any]]]:
    return Call("GET", f"{_TEMPLATES}/", _templates, resource="template")


def get_template(template_id: Any) -> Call[dict[str, Any]]:
    tid = _id(template_id, "template_id")
    return Call("GET", f"{_TEMPLATES}/{_seg(tid)}", _template, resource="template", resource_id=tid)
