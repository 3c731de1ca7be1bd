"""The local engine's HTTP API: the Unstructured Platform's workflow and job endpoints, on FastAPI.

Paths, status codes and bodies follow the platform (``WORKFLOW_API.md``); the official
``unstructured-client`` SDK parses every answer. Notable choices:

- Collections answer with and without a trailing slash (the SDK sends ``/jobs/``, the
  docs write ``/jobs``): both are registered, since a 307 redirect would not be
  followed by most clients.
- Ids are UUIDs; a malformed one is a 422 ``{"detail": [{"loc", "msg", "type"}]}``
  exactly as FastAPI (and the platform) produce it.
- Concurrent jobs of one workflow are ALLOWED. The platform refuses a run while a job
  of the workflow is active ("There is a running job ..."), because its connector
  workflows re-read a whole source; here every run carries its own uploaded files, so
  two runs never overlap and a notebook that submits many runs in a loop just queues
  them (the worker pool serves files round-robin between jobs, so a small run is not
  stuck behind a big one).
- Cancel answers 200 ``{"id", "status", "message"}`` also for a job that already
  finished (nothing to do), so a late Cancel click is never an error.
- Uploads stream to disk (python-multipart), up to a per-file limit (413 above it).
- 5xx bodies carry ``"retryable": false`` so the SDK's retry loop does not start
  duplicate jobs after an internal error.
"""

from __future__ import annotations

import hmac
import json
import os
import shutil
import uuid
from typing import Any, Literal
from uuid import UUID

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict

from .engine import SEED_WORKFLOWS, Engine, seed_nodes
from .store import WorkflowRow, utcnow
from .uploads import UploadError, receive_files
from .views import details_json, failed_files_json, file_status_json, job_json, workflow_json

__all__ = ["create_app"]

API = "/api/v1"
MISSING_KEY = "API key is missing, please provide an API key in the header."
INVALID_KEY = "API key is invalid, please provide a valid API key in the header."
WORKFLOW_TYPES = ("basic", "advanced", "platinum", "custom")


class CreateWorkflow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    workflow_type: Literal["basic", "advanced", "platinum", "custom"]
    source_id: str | None = None
    destination_id: str | None = None
    template_id: str | None = None
    workflow_nodes: list[dict[str, Any]] | None = None
    reprocess_all: bool | None = None
    schedule: str | None = None


class UpdateWorkflow(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    workflow_type: Literal["basic", "advanced", "platinum", "custom"] | None = None
    source_id: str | None = None
    destination_id: str | None = None
    template_id: str | None = None
    workflow_nodes: list[dict[str, Any]] | None = None
    reprocess_all: bool | None = None
    schedule: str | None = None


def _detail(status: int, detail: Any) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)


def _invalid(loc: list[Any], msg: str, type_: str = "value_error") -> JSONResponse:
    return JSONResponse({"detail": [{"loc": loc, "msg": msg, "type": type_}]}, status_code=422)


class _AuthMiddleware:
    """Pure ASGI: with a key configured, every ``/api/`` request needs the ``unstructured-api-key`` header."""

    def __init__(self, app: Any, api_key: str) -> None:
        self.app = app
        self._key = api_key.encode("utf-8")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith("/api/"):
            given = None
            for name, value in scope.get("headers", ()):
                if name == b"unstructured-api-key":
                    given = value.strip()
                    break
            if not given:
                await _detail(401, MISSING_KEY)(scope, receive, send)
                return
            if not hmac.compare_digest(given, self._key):
                await _detail(401, INVALID_KEY)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(engine: Engine) -> FastAPI:
    """The FastAPI app serving ``engine`` (already opened)."""
    app = FastAPI(
        title="unstructured_nb local engine",
        description="An offline server for the Unstructured Platform's Workflow Endpoint API.",
        version="1",
    )
    if engine.api_key:
        app.add_middleware(_AuthMiddleware, api_key=engine.api_key)

    def store():  # the engine outlives no request, but keep the assert in one place
        assert engine.store is not None and engine.jobs is not None
        return engine.store

    def jobs():
        assert engine.jobs is not None
        return engine.jobs

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {
                "detail": f"Internal error of the local engine: {type(exc).__name__}: {exc}. See the engine's log.",
                "retryable": False,
            },
            status_code=500,
        )

    def route(path: str, methods: list[str], **kwargs: Any):
        """Register ``path`` and, for collections, ``path`` + '/' (the SDK's form)."""

        def deco(fn):
            app.api_route(path, methods=methods, **kwargs)(fn)
            app.api_route(path + "/", methods=methods, include_in_schema=False, **kwargs)(fn)
            return fn

        return deco

    # -- health ---------------------------------------------------------------------------

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, Any]:
        return {
            "status": "ok",
            "service": "unstructured_nb local engine",
            "pid": os.getpid(),
            "data_dir": str(engine.data_dir),
            "workers": engine.workers,
        }

    # -- workflows ------------------------------------------------------------------------

    def _get_wf(workflow_id: UUID) -> WorkflowRow | None:
        return store().get_workflow(str(workflow_id))

    def _not_found_wf(workflow_id: UUID) -> JSONResponse:
        return _detail(404, f"Workflow {workflow_id} not found.")

    def _nodes_or_error(nodes: list[dict[str, Any]] | None) -> list[dict[str, Any]] | JSONResponse:
        """Validated nodes; None (not given on create) means the default partitioner."""
        if nodes is not None and not nodes:
            return _invalid(["body", "workflow_nodes"], "A workflow needs at least one node: start with a partition node.")
        try:
            return seed_nodes(nodes if nodes else SEED_WORKFLOWS[0][1])
        except ValueError as exc:
            return _invalid(["body", "workflow_nodes"], str(exc))

    def _unsupported(body: CreateWorkflow | UpdateWorkflow) -> JSONResponse | None:
        if body.source_id or body.destination_id:
            field = "source_id" if body.source_id else "destination_id"
            return _invalid(
                ["body", field],
                "The local engine has no source or destination connectors: leave out source_id and destination_id and upload files with each run.",
            )
        if body.schedule:
            return _invalid(
                ["body", "schedule"],
                "The local engine does not run workflows on a schedule: leave out schedule and start runs yourself.",
            )
        if body.template_id:
            return _invalid(
                ["body", "template_id"],
                "The local engine has no templates to build a workflow from: pass workflow_nodes instead.",
            )
        return None

    @route(f"{API}/workflows", ["GET"])
    async def list_workflows(
        name: str | None = None,
        status: str | None = None,
        page: int | None = None,
        page_size: int | None = None,
        sort_by: str | None = "id",
        sort_direction: Literal["asc", "desc"] | None = "asc",
        created_since: str | None = None,
        created_before: str | None = None,
    ) -> list[dict[str, Any]]:
        from ..models import parse_datetime

        rows = store().list_workflows()
        if name:
            rows = [w for w in rows if name.lower() in w.name.lower()]
        if status:
            rows = [w for w in rows if w.status.lower() == status.lower()]
        since, before = parse_datetime(created_since), parse_datetime(created_before)
        if since:
            rows = [w for w in rows if w.created_at >= since]
        if before:
            rows = [w for w in rows if w.created_at < before]
        key = {
            "name": lambda w: w.name.lower(),
            "created_at": lambda w: w.created_at,
            "updated_at": lambda w: w.updated_at or w.created_at,
        }.get(sort_by or "id", lambda w: w.id)
        rows.sort(key=key, reverse=sort_direction == "desc")
        if page_size:
            start = max(0, (page or 1) - 1) * page_size
            rows = rows[start : start + page_size]
        return [workflow_json(w) for w in rows]

    @route(f"{API}/workflows", ["POST"])
    async def create_workflow(body: CreateWorkflow) -> Any:
        if (err := _unsupported(body)) is not None:
            return err
        nodes = _nodes_or_error(body.workflow_nodes)
        if isinstance(nodes, JSONResponse):
            return nodes
        if not body.name.strip():
            return _invalid(["body", "name"], "The workflow name must not be empty.")
        wf = store().create_workflow(
            name=body.name.strip(), workflow_type=body.workflow_type, nodes=nodes, reprocess_all=bool(body.reprocess_all)
        )
        return workflow_json(wf)

    @app.get(f"{API}/workflows/{{workflow_id}}")
    async def get_workflow(workflow_id: UUID) -> Any:
        wf = _get_wf(workflow_id)
        return workflow_json(wf) if wf else _not_found_wf(workflow_id)

    @app.put(f"{API}/workflows/{{workflow_id}}")
    async def update_workflow(workflow_id: UUID, body: UpdateWorkflow) -> Any:
        if _get_wf(workflow_id) is None:
            return _not_found_wf(workflow_id)
        if (err := _unsupported(body)) is not None:
            return err
        changes: dict[str, Any] = {}
        if body.name is not None:
            if not body.name.strip():
                return _invalid(["body", "name"], "The workflow name must not be empty.")
            changes["name"] = body.name.strip()
        if body.workflow_type is not None:
            changes["workflow_type"] = body.workflow_type
        if body.reprocess_all is not None:
            changes["reprocess_all"] = body.reprocess_all
        if body.workflow_nodes is not None:
            nodes = _nodes_or_error(body.workflow_nodes)
            if isinstance(nodes, JSONResponse):
                return nodes
            changes["nodes"] = nodes
        wf = store().update_workflow(str(workflow_id), changes)
        return workflow_json(wf) if wf else _not_found_wf(workflow_id)

    @app.delete(f"{API}/workflows/{{workflow_id}}")
    async def delete_workflow(workflow_id: UUID) -> Any:
        if not store().delete_workflow(str(workflow_id)):
            return _not_found_wf(workflow_id)
        return {"id": str(workflow_id), "message": "Workflow deleted; its jobs and their outputs are kept."}

    async def _start_job(
        request: Request, wf: WorkflowRow, *, nodes: list[dict[str, Any]] | None = None, status_code: int = 202
    ) -> Response:
        job_id = str(uuid.uuid4())
        jm = jobs()
        job_dir = jm.job_dir(job_id)
        try:
            result = await receive_files(
                request.headers.get("content-type"), request.stream(), job_dir / "inputs", max_file_bytes=engine.max_upload_bytes
            )
        except UploadError as err:
            shutil.rmtree(job_dir, ignore_errors=True)
            return _detail(err.status_code, err.detail)
        except OSError as exc:  # disk full, data dir gone or read-only: say so, keep nothing half-written
            shutil.rmtree(job_dir, ignore_errors=True)
            return JSONResponse(
                {
                    "detail": f"The local engine could not store the upload under {engine.data_dir}: {exc.strerror or exc}. Free some disk space or start the engine with another --data-dir.",
                    "retryable": False,
                },
                status_code=507,
            )
        except BaseException:
            shutil.rmtree(job_dir, ignore_errors=True)
            raise
        if not result.files:
            shutil.rmtree(job_dir, ignore_errors=True)
            return _detail(
                400,
                "No input files were sent. The local engine has no source connectors: attach one or more files "
                "as multipart/form-data parts named 'input_files'.",
            )
        rows = [(u.file_id, u.name, str(u.path.relative_to(engine.data_dir)), u.size) for u in result.files]
        job = store().create_job(job_id=job_id, workflow=wf, files=rows, nodes=nodes)
        jm.enqueue(job)
        return JSONResponse(job_json(job, store().job_files(job_id)), status_code=status_code)

    @app.post(f"{API}/workflows/{{workflow_id}}/run", status_code=202)
    async def run_workflow(workflow_id: UUID, request: Request) -> Response:
        wf = _get_wf(workflow_id)
        if wf is None:
            return _not_found_wf(workflow_id)
        if wf.status != "active":
            return _detail(400, f"Workflow {workflow_id} is {wf.status}; activate it before running it.")
        return await _start_job(request, wf)

    # -- templates and on-demand jobs ------------------------------------------------------

    def _templates() -> dict[str, dict[str, Any]]:
        out = {}
        for name, nodes in SEED_WORKFLOWS:
            out[name] = {
                "id": name,
                "name": name,
                "description": "Partition files (fast)" if name == "partition" else "Partition files (fast), then chunk by title",
                "version": "1",
                "last_updated": "2026-01-01T00:00:00+00:00",
                "nodes": [
                    {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"unstructured-nb/{name}/{i}")), **n} for i, n in enumerate(nodes)
                ],
            }
        return out

    @route(f"{API}/templates", ["GET"])
    async def list_templates() -> list[dict[str, Any]]:
        return [{k: v for k, v in t.items() if k != "nodes"} for t in _templates().values()]

    @app.get(f"{API}/templates/{{template_id}}")
    async def get_template(template_id: str) -> Any:
        t = _templates().get(template_id)
        return t if t else _detail(404, f"Template {template_id!r} not found; the local engine offers {', '.join(_templates())}.")

    @route(f"{API}/jobs", ["POST"])
    async def create_job(request: Request) -> Response:
        """On-demand job: a ``request_data`` form field with ``template_id`` or ``job_nodes``, plus files."""
        # the files stream first to a temporary job; request_data decides its nodes afterwards
        job_id_probe = str(uuid.uuid4())
        jm = jobs()
        tmp_dir = jm.job_dir(job_id_probe)
        try:
            result = await receive_files(
                request.headers.get("content-type"), request.stream(), tmp_dir / "inputs", max_file_bytes=engine.max_upload_bytes
            )
        except UploadError as err:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            return _detail(err.status_code, err.detail)

        def fail(resp: Response) -> Response:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            return resp

        raw = result.fields.get("request_data")
        if raw is None:
            return fail(_invalid(["body", "request_data"], "Field required", "missing"))
        try:
            data = json.loads(raw)
        except ValueError:
            return fail(
                _invalid(
                    ["body", "request_data"], "request_data must be a JSON object with template_id or job_nodes.", "json_invalid"
                )
            )
        if not isinstance(data, dict) or (("template_id" in data) == ("job_nodes" in data)):
            return fail(_invalid(["body", "request_data"], "request_data must hold either template_id or job_nodes (not both)."))
        if "template_id" in data:
            t = _templates().get(str(data["template_id"]))
            if t is None:
                return fail(
                    _detail(
                        404, f"Template {data['template_id']!r} not found; the local engine offers {', '.join(_templates())}."
                    )
                )
            raw_nodes, name = t["nodes"], str(t["name"])
        else:
            raw_nodes, name = data["job_nodes"], "on-demand job"
            if not isinstance(raw_nodes, list) or not all(isinstance(n, dict) for n in raw_nodes):
                return fail(_invalid(["body", "request_data", "job_nodes"], "job_nodes must be a list of node objects."))
        try:
            nodes = seed_nodes(raw_nodes)
        except ValueError as exc:
            return fail(_invalid(["body", "request_data", "job_nodes"], str(exc)))
        if not result.files:
            return fail(
                _detail(
                    400, "No input files were sent: attach one or more files as multipart/form-data parts named 'input_files'."
                )
            )
        wf = WorkflowRow(
            id=job_id_probe,
            name=name,
            workflow_type="custom",
            status="active",
            nodes=nodes,
            schedule=None,
            reprocess_all=False,
            created_at=utcnow(),
            updated_at=None,
        )
        rows = [(u.file_id, u.name, str(u.path.relative_to(engine.data_dir)), u.size) for u in result.files]
        job = store().create_job(job_id=job_id_probe, workflow=wf, files=rows, nodes=nodes)
        jm.enqueue(job)
        return JSONResponse(job_json(job, store().job_files(job.id)), status_code=200)

    # -- jobs -------------------------------------------------------------------------------

    def _job_or_404(job_id: UUID):
        job = store().get_job(str(job_id))
        return job, (None if job else _detail(404, f"Job {job_id} not found."))

    @route(f"{API}/jobs", ["GET"])
    async def list_jobs(workflow_id: UUID | None = None, status: str | None = None) -> list[dict[str, Any]]:
        wanted = status.strip().upper().replace(" ", "_") if status and status.strip() else None
        rows = store().list_jobs(workflow_id=str(workflow_id) if workflow_id else None, status=wanted)
        files = store().files_for_jobs([j.id for j in rows])
        return [job_json(j, files[j.id]) for j in rows]

    @app.get(f"{API}/jobs/{{job_id}}")
    async def get_job(job_id: UUID) -> Any:
        job, err = _job_or_404(job_id)
        return err or job_json(job, store().job_files(job.id))

    @app.post(f"{API}/jobs/{{job_id}}/cancel")
    async def cancel_job(job_id: UUID) -> Any:
        job, err = _job_or_404(job_id)
        if err:
            return err
        if jobs().cancel(job.id):
            return {"id": job.id, "status": "STOPPED", "message": "Job cancelled."}
        final = store().get_job(job.id)
        return {
            "id": job.id,
            "status": final.status if final else job.status,
            "message": f"Job already {job.status}; nothing to cancel.",
        }

    @app.get(f"{API}/jobs/{{job_id}}/details")
    async def job_details(job_id: UUID) -> Any:
        job, err = _job_or_404(job_id)
        return err or details_json(job, store().job_files(job.id))

    @app.get(f"{API}/jobs/{{job_id}}/failed-files")
    async def job_failed_files(job_id: UUID) -> Any:
        job, err = _job_or_404(job_id)
        return err or failed_files_json(store().job_files(job.id))

    @app.get(f"{API}/jobs/{{job_id}}/file-status")
    async def job_file_status(job_id: UUID) -> Any:
        job, err = _job_or_404(job_id)
        return err or file_status_json(job, store().job_files(job.id))

    @app.get(f"{API}/jobs/{{job_id}}/download")
    async def download(job_id: UUID, file_id: str = Query(...), node_id: str | None = None) -> Response:
        job, err = _job_or_404(job_id)
        if err:
            return err
        f = store().get_file(job.id, file_id)
        if f is None:
            return _detail(404, f"File {file_id} is not an input file of job {job.id}; use an id from the job's input_file_ids.")
        if node_id:
            index = next((i for i, n in enumerate(job.nodes) if n.get("id") == node_id), None)
            if index is None:
                return _detail(
                    404, f"Node {node_id} is not a node of job {job.id}; use a node_id from the job's output_node_files."
                )
        else:
            index = len(job.nodes) - 1
        if f.done_nodes <= index:
            if f.status == "failure":
                return _detail(404, f"File {f.name!r} failed, so it has no output: {f.error}")
            if f.status == "stopped":
                return _detail(404, f"File {f.name!r} has no output: the job was cancelled before it was processed.")
            return _detail(
                409, f"The output of file {f.name!r} is not ready yet (job {job.status}); download it once the job has COMPLETED."
            )
        path = jobs().output_path(job.id, f.id, index)
        try:
            content = path.read_bytes()
        except FileNotFoundError:
            return _detail(404, f"The output of file {f.name!r} is missing from the data dir {engine.data_dir}.")
        return Response(content=content, media_type="application/json")

    return app
