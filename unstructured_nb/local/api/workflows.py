"""``/workflows``: list, create, get, update and delete workflows, and run one on uploaded files."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from ...models import parse_datetime
from ..engine import SEED_WORKFLOWS
from ..nodes import prepare_nodes
from .deps import EngineDep, StoreDep, WorkflowDep, find_workflow
from .errors import ApiError, invalid
from .job_upload import staged_job
from .platform_json import workflow_json
from .routing import api_router, collection, multipart_body

__all__ = ["router"]

router = api_router()

WorkflowType = Literal["basic", "advanced", "platinum", "custom"]


class UpdateWorkflow(BaseModel):
    """The body of ``PUT /workflows/{id}``: every field optional (unknown ones ignored, as the platform does)."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    workflow_type: WorkflowType | None = None
    source_id: str | None = None
    destination_id: str | None = None
    template_id: str | None = None
    workflow_nodes: list[dict[str, Any]] | None = None
    reprocess_all: bool | None = None
    schedule: str | None = None


class CreateWorkflow(UpdateWorkflow):
    """The body of ``POST /workflows/``: the same fields, with a name and a type required."""

    name: str
    workflow_type: WorkflowType


def _checked_nodes(nodes: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Validated nodes; None (not given on create) means the default partitioner."""
    if nodes is not None and not nodes:
        raise invalid(["body", "workflow_nodes"], "A workflow needs at least one node: start with a partition node.")
    try:
        return prepare_nodes(nodes if nodes else SEED_WORKFLOWS[0][1])
    except ValueError as exc:
        raise invalid(["body", "workflow_nodes"], str(exc)) from None


def _checked_name(name: str) -> str:
    if not name.strip():
        raise invalid(["body", "name"], "The workflow name must not be empty.")
    return name.strip()


def _refuse_unsupported(body: CreateWorkflow | UpdateWorkflow) -> None:
    if body.source_id or body.destination_id:
        raise invalid(
            ["body", "source_id" if body.source_id else "destination_id"],
            "The local engine has no source or destination connectors: "
            "leave out source_id and destination_id and upload files with each run.",
        )
    if body.schedule:
        raise invalid(
            ["body", "schedule"],
            "The local engine does not run workflows on a schedule: leave out schedule and start runs yourself.",
        )
    if body.template_id:
        raise invalid(
            ["body", "template_id"],
            "The local engine has no templates to build a workflow from: pass workflow_nodes instead.",
        )


_SORT_KEYS: dict[str, Any] = {
    "name": lambda w: w.name.lower(),
    "created_at": lambda w: w.created_at,
    "updated_at": lambda w: w.updated_at or w.created_at,
}


@collection(router, "/workflows", ["GET"])
def list_workflows(
    store: StoreDep,
    name: str | None = None,
    status: str | None = None,
    page: int | None = None,
    page_size: int | None = None,
    sort_by: str | None = "id",
    sort_direction: Literal["asc", "desc"] | None = "asc",
    created_since: str | None = None,
    created_before: str | None = None,
) -> list[dict[str, Any]]:
    rows = store.list_workflows()
    if name:
        rows = [w for w in rows if name.lower() in w.name.lower()]
    if status:
        rows = [w for w in rows if w.status.lower() == status.lower()]
    since, before = parse_datetime(created_since), parse_datetime(created_before)
    if since:
        rows = [w for w in rows if w.created_at >= since]
    if before:
        rows = [w for w in rows if w.created_at < before]
    rows.sort(key=_SORT_KEYS.get(sort_by or "id", lambda w: w.id), reverse=sort_direction == "desc")
    if page_size:
        start = max(0, (page or 1) - 1) * page_size
        rows = rows[start : start + page_size]
    return [workflow_json(w) for w in rows]


@collection(router, "/workflows", ["POST"])
def create_workflow(body: CreateWorkflow, store: StoreDep) -> dict[str, Any]:
    _refuse_unsupported(body)
    nodes = _checked_nodes(body.workflow_nodes)
    name = _checked_name(body.name)
    wf = store.create_workflow(name=name, workflow_type=body.workflow_type, nodes=nodes, reprocess_all=bool(body.reprocess_all))
    return workflow_json(wf)


@router.get("/workflows/{workflow_id}", response_model=None)
def get_workflow(workflow: WorkflowDep) -> dict[str, Any]:
    return workflow_json(workflow)


@router.put("/workflows/{workflow_id}", response_model=None)
def update_workflow(workflow_id: UUID, body: UpdateWorkflow, store: StoreDep) -> dict[str, Any]:
    find_workflow(store, workflow_id)  # after the body is validated (see deps)
    _refuse_unsupported(body)
    changes: dict[str, Any] = {}
    if body.name is not None:
        changes["name"] = _checked_name(body.name)
    if body.workflow_type is not None:
        changes["workflow_type"] = body.workflow_type
    if body.reprocess_all is not None:
        changes["reprocess_all"] = body.reprocess_all
    if body.workflow_nodes is not None:
        changes["nodes"] = _checked_nodes(body.workflow_nodes)
    wf = store.update_workflow(str(workflow_id), changes)
    if wf is None:  # deleted meanwhile
        raise ApiError(404, f"Workflow {workflow_id} not found.")
    return workflow_json(wf)


@router.delete("/workflows/{workflow_id}", response_model=None)
def delete_workflow(workflow_id: UUID, store: StoreDep) -> dict[str, Any]:
    if not store.delete_workflow(str(workflow_id)):
        raise ApiError(404, f"Workflow {workflow_id} not found.")
    return {"id": str(workflow_id), "message": "Workflow deleted; its jobs and their outputs are kept."}


@router.post(
    "/workflows/{workflow_id}/run",
    status_code=202,
    response_model=None,
    openapi_extra=multipart_body(["input_files"], input_files={"type": "array", "items": {"type": "string", "format": "binary"}}),
)
async def run_workflow(workflow: WorkflowDep, request: Request, engine: EngineDep) -> JSONResponse:
    """Upload files and start a job of the workflow (202, the job SCHEDULED)."""
    if workflow.status != "active":
        raise ApiError(400, f"Workflow {workflow.id} is {workflow.status}; activate it before running it.")
    async with staged_job(request, engine) as staged:
        staged.require_files(
            "No input files were sent. The local engine has no source connectors: attach one or more files "
            "as multipart/form-data parts named 'input_files'."
        )
        return JSONResponse(await staged.start(workflow), status_code=202)
