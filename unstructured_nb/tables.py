"""The DataFrames users see: the status table of runs, node progress, failed files, jobs,
workflows, and the rows of ``Run.elements()``.

Plain functions of runs and models, shared by the magic, the panel and the terminal
command; pandas is imported when a table is first built.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .models import Job, Workflow

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from .tracking import Run

__all__ = [
    "STATUS_COLUMNS",
    "element_row",
    "failed_frame",
    "format_seconds",
    "jobs_frame",
    "progress_frame",
    "status_frame",
    "status_row",
    "workflows_frame",
]

#: Columns of the status table, in order (``Run.to_dataframe``, ``status_frame``).
STATUS_COLUMNS = ["job_id", "workflow", "status", "created", "elapsed", "input files", "outputs", "last polled"]


def _fmt_time(dt: datetime | None) -> str:
    if dt is None:
        return ""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def format_seconds(seconds: float | None) -> str:
    """``0.4 s``, ``12.3 s``, ``4 min 05 s``, ``1 h 02 min``."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _files_cell(names: list[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" (+{len(names) - limit} more)"


def status_row(r: Run) -> dict[str, Any]:
    job = r.job
    n_out = len({nf.file_id for nf in job.output_node_files})  # input files with an output, not node files
    outputs = f"{n_out} file{'s' if n_out != 1 else ''}" if n_out else ("" if not job.done else "none")
    return {
        "job_id": job.id,
        "workflow": r.workflow_name,
        "status": job.status.value,
        "created": _fmt_time(job.created_at),
        "elapsed": format_seconds(r.elapsed_seconds()),
        "input files": _files_cell(r.files),
        "outputs": outputs,
        "last polled": _fmt_time(r.last_polled),
    }


def status_frame(runs: Sequence[Run]) -> pandas.DataFrame:
    """One row per run, with the columns of ``STATUS_COLUMNS``."""
    import pandas as pd

    return pd.DataFrame([status_row(r) for r in runs], columns=STATUS_COLUMNS)


def progress_frame(r: Run) -> pandas.DataFrame | None:
    """Per-node file counts of the run, or None before any details arrived."""
    details = r.details
    if details is None or not details.node_stats:
        return None
    import pandas as pd

    rows = [
        {
            "node": n.node_name or n.node_type or "",
            "type": "/".join(x for x in (n.node_type, n.node_subtype) if x),
            "ready": n.ready,
            "in progress": n.in_progress,
            "success": n.success,
            "failure": n.failure,
        }
        for n in details.node_stats
    ]
    return pd.DataFrame(rows, columns=["node", "type", "ready", "in progress", "success", "failure"])


def failed_frame(r: Run) -> pandas.DataFrame | None:
    """The files the job could not process, with their errors, or None."""
    failed = r.failed_files
    if not failed:
        return None
    import pandas as pd

    return pd.DataFrame([{"file": f.document, "error": f.error} for f in failed], columns=["file", "error"])


def jobs_frame(jobs: Sequence[Job], limit: int | None = None) -> pandas.DataFrame:
    """Jobs as a table, newest first (``%unstructured_jobs``)."""
    import pandas as pd

    ordered = sorted(jobs, key=lambda j: j.created_at or datetime.min.replace(tzinfo=timezone.utc), reverse=True)
    if limit is not None:
        ordered = ordered[:limit]
    rows = []
    for j in ordered:
        n_in, n_out = len(j.input_file_ids), len(j.output_node_files)
        rows.append(
            {
                "job_id": j.id,
                "workflow": j.workflow_name,
                "status": j.status.value,
                "created": _fmt_time(j.created_at),
                "runtime": format_seconds(j.runtime_seconds) if j.runtime else "",
                "input files": n_in,
                "outputs": n_out,
            }
        )
    columns = ["job_id", "workflow", "status", "created", "runtime", "input files", "outputs"]
    return pd.DataFrame(rows, columns=columns)


def workflows_frame(workflows: Sequence[Workflow]) -> pandas.DataFrame:
    """Workflows as a table, by name (``%unstructured_workflows``)."""
    import pandas as pd

    rows = [
        {
            "name": wf.name,
            "id": wf.id,
            "nodes": " -> ".join(f"{n.type}:{n.subtype}" if n.subtype else n.type for n in wf.workflow_nodes),
            "type": wf.workflow_type or "",
            "status": wf.status,
        }
        for wf in sorted(workflows, key=lambda w: (w.name.lower(), w.id))
    ]
    return pd.DataFrame(rows, columns=["name", "id", "nodes", "type", "status"])


# --- elements ---------------------------------------------------------------------------------


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = value


def element_row(filename: str, node: str, el: dict) -> dict[str, Any]:
    """One row of ``Run.elements()``: the main fields first, then the rest of the metadata flattened."""
    meta = el.get("metadata") or {}
    row: dict[str, Any] = {
        "filename": meta.get("filename") or filename,
        "node": node,
        "type": el.get("type"),
        "element_id": el.get("element_id"),
        "text": el.get("text"),
        "page_number": meta.get("page_number"),
    }
    flat: dict[str, Any] = {}
    _flatten("", {k: v for k, v in meta.items() if k not in ("filename", "page_number")}, flat)
    for k, v in el.items():
        if k not in ("metadata", "type", "element_id", "text"):
            flat.setdefault(k, v)
    row.update(flat)
    return row
