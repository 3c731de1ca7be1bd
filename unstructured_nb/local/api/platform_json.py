"""Store rows -> the platform's JSON bodies (workflows, jobs, details, file statuses, templates), through the shared models."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from ...models import (
    FailedFile,
    Job,
    JobDetails,
    JobProcessingStatus,
    JobStatus,
    NodeFile,
    NodeStats,
    Workflow,
    WorkflowNode,
    format_duration,
)
from ..rows import FileRow, JobRow, WorkflowRow, utcnow

__all__ = ["details_json", "failed_files_json", "file_status_json", "job_json", "template_json", "workflow_json"]


def workflow_json(wf: WorkflowRow) -> dict[str, Any]:
    return Workflow(
        id=wf.id,
        name=wf.name,
        sources=(),
        destinations=(),
        status=wf.status,
        workflow_nodes=tuple(WorkflowNode.from_api(n) for n in wf.nodes),
        created_at=wf.created_at,
        updated_at=wf.updated_at,
        workflow_type=wf.workflow_type,
        schedule=wf.schedule,
        reprocess_all=wf.reprocess_all,
    ).to_api()


def _runtime(job: JobRow) -> str | None:
    if job.started_at is None:
        return None
    end = job.finished_at or utcnow()
    return format_duration((end - job.started_at).total_seconds())


def _node_files(job: JobRow, files: Sequence[FileRow]) -> list[NodeFile]:
    """One entry per node output on disk: node ``i`` of a file exists once ``done_nodes > i``."""
    out = []
    for f in files:
        for node in job.nodes[: f.done_nodes]:
            out.append(
                NodeFile(
                    node_id=node["id"], file_id=f.id, node_type=node.get("type") or "", node_subtype=node.get("subtype") or ""
                )
            )
    return out


def job_json(job: JobRow, files: Sequence[FileRow]) -> dict[str, Any]:
    return Job(
        id=job.id,
        workflow_id=job.workflow_id,
        workflow_name=job.workflow_name,
        status=JobStatus(job.status),
        created_at=job.created_at,
        runtime=_runtime(job),
        input_file_ids=tuple(f.id for f in files),
        output_node_files=tuple(_node_files(job, files)),
        job_type=job.job_type,
    ).to_api()


def _node_stats(job: JobRow, files: Sequence[FileRow]) -> list[NodeStats]:
    stats = []
    for i, node in enumerate(job.nodes):
        ready = in_progress = success = failure = 0
        for f in files:
            if f.done_nodes > i:
                success += 1
            elif f.status == "ready":
                ready += 1
            elif f.status == "in_progress":
                if f.done_nodes == i:
                    in_progress += 1
                else:
                    ready += 1
            elif f.status == "failure" and (f.failed_node or 0) == i:
                failure += 1
        stats.append(
            NodeStats(
                node_name=node.get("name"),
                node_type=node.get("type"),
                node_subtype=node.get("subtype"),
                ready=ready,
                in_progress=in_progress,
                success=success,
                failure=failure,
            )
        )
    return stats


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _message(job: JobRow, files: Sequence[FileRow]) -> str:
    total = len(files)
    ok = sum(1 for f in files if f.status == "success")
    failed = sum(1 for f in files if f.status == "failure")
    done = sum(1 for f in files if f.status not in ("ready", "in_progress"))
    if job.status == "SCHEDULED":
        text = f"Waiting for a worker: {_plural(total, 'file')} queued."
    elif job.status == "IN_PROGRESS":
        text = f"Processing: {done} of {_plural(total, 'file')} done" + (f", {failed} failed." if failed else ".")
    elif job.status == "COMPLETED":
        text = (
            f"Processed {_plural(total, 'file')}."
            if not failed
            else f"Processed {ok} of {_plural(total, 'file')}; {failed} failed (see failed-files)."
        )
    elif job.status == "STOPPED":
        text = f"{job.message or 'Stopped.'} {ok} of {_plural(total, 'file')} had been processed; their outputs are kept."
    else:  # FAILED
        text = job.message or (
            f"All {_plural(total, 'file')} failed (see failed-files)." if total > 1 else "The file failed (see failed-files)."
        )
        if job.message and ok:
            text += f" {ok} of {_plural(total, 'file')} had been processed."
    warnings: list[str] = []
    for f in files:
        for w in f.warnings:
            if w not in warnings:
                warnings.append(w)
    if warnings:
        text += " Warnings: " + " ".join(w if w.endswith(".") else w + "." for w in warnings)
    return text


def details_json(job: JobRow, files: Sequence[FileRow]) -> dict[str, Any]:
    failed = any(f.status == "failure" for f in files)
    if job.status == "COMPLETED":
        processing = JobProcessingStatus.COMPLETED_WITH_ERRORS if failed else JobProcessingStatus.SUCCESS
    else:
        processing = JobProcessingStatus(job.status)
    return JobDetails(
        id=job.id, processing_status=processing, node_stats=tuple(_node_stats(job, files)), message=_message(job, files)
    ).to_api()


_FILE_STATUS = {"ready": "READY", "in_progress": "IN_PROGRESS", "success": "SUCCESS", "failure": "FAILURE", "stopped": "STOPPED"}


def file_status_json(job: JobRow, files: Sequence[FileRow]) -> dict[str, Any]:
    """The newer docs' ``/file-status`` (not in SDK 0.46.4): one entry per input file."""
    entries = []
    for f in files:
        current = None
        if f.status == "in_progress" and f.done_nodes < len(job.nodes):
            node = job.nodes[f.done_nodes]
            current = {"id": node.get("id"), "status": "IN_PROGRESS", "tries": 1, "time_elapsed": None}
        entries.append(
            {
                "record_id": f.id,
                "document": f.name,
                "status": _FILE_STATUS.get(f.status, f.status.upper()),
                "error": f.error if f.status == "failure" else None,
                "time_elapsed": None,
                "current_node": current,
                "discovered_by_node_id": None,
            }
        )
    return {
        "id": job.id,
        "files": entries,
        "truncated": False,
        "index_finished": True,
        "generated_at": utcnow().isoformat(),
    }


def failed_files_json(files: Sequence[FileRow]) -> dict[str, Any]:
    return {
        "failed_files": [
            FailedFile(document=f.name, error=f.error or "Unknown error.").to_api() for f in files if f.status == "failure"
        ]
    }


def template_json(name: str, description: str, nodes: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A template's detail; its nodes get ids stable across restarts (uuid5 of the template and position)."""
    return {
        "id": name,
        "name": name,
        "description": description,
        "version": "1",
        "last_updated": "2026-01-01T00:00:00+00:00",
        "nodes": [{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"unstructured-nb/{name}/{i}")), **n} for i, n in enumerate(nodes)],
    }
