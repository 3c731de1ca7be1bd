"""``/jobs``: list jobs, follow one (details, failed files, file status), cancel it, download outputs; on-demand jobs."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response

from ..nodes import prepare_nodes
from ..on_demand import LimitRefused
from ..rows import WorkflowRow, utcnow
from .deps import EngineDep, JobDep, JobsDep, StoreDep, find_job
from .errors import ApiError, invalid
from .job_upload import staged_job
from .json_depth import MAX_JSON_DEPTH, TOO_DEEP, json_depth
from .platform_json import details_json, failed_files_json, file_status_json, job_json
from .routing import api_router, collection, multipart_body
from .templates import find_template

__all__ = ["router"]

router = api_router()


@collection(router, "/jobs", ["GET"])
def list_jobs(store: StoreDep, workflow_id: UUID | None = None, status: str | None = None) -> list[dict[str, Any]]:
    wanted = status.strip().upper().replace(" ", "_") if status and status.strip() else None
    rows = store.list_jobs(workflow_id=str(workflow_id) if workflow_id else None, status=wanted)
    files = store.files_for_jobs([j.id for j in rows])
    return [job_json(j, files[j.id]) for j in rows]


@collection(
    router,
    "/jobs",
    ["POST"],
    openapi_extra=multipart_body(
        ["request_data", "input_files"],
        request_data={"type": "string", "description": "JSON: {template_id} or {job_nodes}"},
        input_files={"type": "array", "items": {"type": "string", "format": "binary"}},
    ),
)
async def create_job(request: Request, engine: EngineDep) -> JSONResponse:
    """On-demand job: a ``request_data`` form field with ``template_id`` or ``job_nodes``, plus files (200).

    The platform's on-demand limits apply (``engine.on_demand``): too many files is a 400, a
    file over the per-file limit a 413, a launch too soon after the previous one a 429 with
    Retry-After; beyond ``max_running`` jobs, new ones wait SCHEDULED.
    """
    # the files stream first, into the job's folder; request_data decides its nodes afterwards
    queue = engine.on_demand
    async with staged_job(request, engine, max_file_bytes=queue.limits.bytes_per_file) as staged:
        raw = staged.fields.get("request_data")
        if raw is None:
            raise invalid(["body", "request_data"], "Field required", "missing")
        if json_depth(raw) > MAX_JSON_DEPTH:
            raise invalid(["body", "request_data"], TOO_DEEP, "json_invalid")
        try:
            data = json.loads(raw)
        except ValueError:
            raise invalid(
                ["body", "request_data"], "request_data must be a JSON object with template_id or job_nodes.", "json_invalid"
            ) from None
        if not isinstance(data, dict) or (("template_id" in data) == ("job_nodes" in data)):
            raise invalid(["body", "request_data"], "request_data must hold either template_id or job_nodes (not both).")
        if "template_id" in data:
            template = find_template(str(data["template_id"]))
            raw_nodes, name = template["nodes"], str(template["name"])
        else:
            raw_nodes, name = data["job_nodes"], "on-demand job"
            if not isinstance(raw_nodes, list) or not all(isinstance(n, dict) for n in raw_nodes):
                raise invalid(["body", "request_data", "job_nodes"], "job_nodes must be a list of node objects.")
        try:
            nodes = prepare_nodes(raw_nodes)
        except ValueError as exc:
            raise invalid(["body", "request_data", "job_nodes"], str(exc)) from None
        staged.require_files(
            "No input files were sent: attach one or more files as multipart/form-data parts named 'input_files'."
        )
        try:
            queue.check_upload([f.size for f in staged.upload.files])
            queue.launch()
        except LimitRefused as refused:
            if refused.retry_after is None:
                raise ApiError(refused.status, refused.detail) from None
            return JSONResponse(
                {"detail": refused.detail}, status_code=refused.status, headers={"Retry-After": f"{refused.retry_after:g}"}
            )
        # an on-demand job has no stored workflow: it is its own, named after the template
        workflow = WorkflowRow(
            id=staged.job_id,
            name=name,
            workflow_type="custom",
            status="active",
            nodes=nodes,
            schedule=None,
            reprocess_all=False,
            created_at=utcnow(),
            updated_at=None,
        )
        return JSONResponse(await staged.start(workflow, nodes, on_demand=True), status_code=200)


@router.get("/jobs/{job_id}", response_model=None)
def get_job(job: JobDep, store: StoreDep) -> dict[str, Any]:
    return job_json(job, store.job_files(job.id))


@router.post("/jobs/{job_id}/cancel", response_model=None)
def cancel_job(job: JobDep, store: StoreDep, jobs: JobsDep) -> dict[str, Any]:
    """200 also for a job that already finished (nothing to do), so a late Cancel click is never an error."""
    if jobs.cancel(job.id):
        return {"id": job.id, "status": "STOPPED", "message": "Job cancelled."}
    final = store.get_job(job.id)
    return {
        "id": job.id,
        "status": final.status if final else job.status,
        "message": f"Job already {job.status}; nothing to cancel.",
    }


@router.get("/jobs/{job_id}/details", response_model=None)
def job_details(job: JobDep, store: StoreDep) -> dict[str, Any]:
    return details_json(job, store.job_files(job.id))


@router.get("/jobs/{job_id}/failed-files", response_model=None)
def job_failed_files(job: JobDep, store: StoreDep) -> dict[str, Any]:
    return failed_files_json(store.job_files(job.id))


@router.get("/jobs/{job_id}/file-status", response_model=None)
def job_file_status(job: JobDep, store: StoreDep) -> dict[str, Any]:
    return file_status_json(job, store.job_files(job.id))


@router.get("/jobs/{job_id}/download", response_model=None)
def download(
    job_id: UUID, store: StoreDep, jobs: JobsDep, engine: EngineDep, file_id: str = Query(...), node_id: str | None = None
) -> Response:
    """One node's output of one file (the last node's by default), as the JSON list of elements."""
    job = find_job(store, job_id)  # after file_id is validated (see deps)
    f = store.get_file(job.id, file_id)
    if f is None:
        raise ApiError(404, f"File {file_id} is not an input file of job {job.id}; use an id from the job's input_file_ids.")
    if node_id:
        index = next((i for i, n in enumerate(job.nodes) if n.get("id") == node_id), None)
        if index is None:
            raise ApiError(404, f"Node {node_id} is not a node of job {job.id}; use a node_id from the job's output_node_files.")
    else:
        index = len(job.nodes) - 1
    if f.done_nodes <= index:
        if f.status == "failure":
            raise ApiError(404, f"File {f.name!r} failed, so it has no output: {f.error}")
        if f.status == "stopped":
            raise ApiError(404, f"File {f.name!r} has no output: the job was cancelled before it was processed.")
        raise ApiError(
            409, f"The output of file {f.name!r} is not ready yet (job {job.status}); download it once the job has COMPLETED."
        )
    try:
        content = jobs.output_path(job.id, f.id, index).read_bytes()
    except FileNotFoundError:
        raise ApiError(404, f"The output of file {f.name!r} is missing from the data dir {engine.data_dir}.") from None
    return Response(content=content, media_type="application/json")
