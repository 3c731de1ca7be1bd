"""The rows of every table, as plain strings: runs, node progress, failed files, jobs, workflows.

The text, HTML and DataFrame views all draw these rows, so they show the same columns,
names and counts. No pandas here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from ..models import Job, Workflow
from .snapshot import NodeProgress, RunSnapshot, output_count
from .style import format_seconds, format_time

__all__ = [
    "STATUS_COLUMNS",
    "Block",
    "Table",
    "extra_blocks",
    "failed_table",
    "jobs_table",
    "progress_table",
    "status_table",
    "templates_table",
    "workflows_table",
]

#: Columns of the status table, in order.
STATUS_COLUMNS = ("job_id", "workflow", "status", "created", "elapsed", "input files", "outputs", "last polled")


@dataclass(frozen=True)
class Table:
    """A titled table of string cells; ``states`` (one per row, when given) colour its status cells."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    states: tuple[str, ...] = ()


@dataclass(frozen=True)
class Block:
    """What is shown under the status table: a table, or a note (``kind`` "note" or "problem")."""

    kind: str
    title: str
    table: Table | None = None
    text: str = ""
    progress: tuple[NodeProgress, ...] = ()  # for a progress table: the counts it shows, to draw as bars


def _files_cell(names: Sequence[str], limit: int = 3) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" (+{len(names) - limit} more)"


def _outputs_cell(n: int, done: bool) -> str:
    if n:
        return f"{n} file{'s' if n != 1 else ''}"
    return "none" if done else ""


def _status_row(s: RunSnapshot, job_id: str | None = None) -> tuple[str, ...]:
    return (
        s.job_id if job_id is None else job_id,
        s.workflow,
        s.status_text,
        format_time(s.created_at),
        format_seconds(s.elapsed),
        _files_cell(s.files) if not s.is_batch else f"{len(s.files)} files",
        _outputs_cell(s.outputs, s.done),
        format_time(s.last_polled),
    )


def status_table(snapshots: Sequence[RunSnapshot]) -> Table:
    """One row per run; a batch has one row per job, then a row of totals (``total: 3/20 jobs``).

    The status is the snapshot's ``status_text`` (``COMPLETED, 5 of 6 files failed``), coloured by its ``state``.
    """
    rows: list[tuple[str, ...]] = []
    states: list[str] = []
    for s in snapshots:
        if s.is_batch:
            # every job row names what the batch runs (the server's name of an on-demand job says little)
            rows.extend(_status_row(replace(j, workflow=s.workflow), j.job_id or f"({j.status.lower()})") for j in s.jobs)
            states.extend(j.state for j in s.jobs)
            if len(s.jobs) > 1:
                rows.append(_status_row(s, f"total: {s.job_id}"))
                states.append(s.state)
        else:
            rows.append(_status_row(s))
            states.append(s.state)
    return Table(STATUS_COLUMNS, tuple(rows), states=tuple(states))


def progress_table(s: RunSnapshot) -> Table | None:
    """Per-node file counts, or None before any arrived."""
    if not s.progress:
        return None
    rows = tuple((p.node, p.kind, str(p.ready), str(p.in_progress), str(p.success), str(p.failure)) for p in s.progress)
    title = f"Progress of job {s.short_id} ({s.workflow})"
    return Table(("node", "type", "ready", "in progress", "success", "failure"), rows, title)


def failed_table(s: RunSnapshot) -> Table | None:
    """The files the job could not process, with their errors, or None."""
    if not s.failed:
        return None
    rows = tuple((f.file, f.error) for f in s.failed)
    return Table(("file", "error"), rows, f"Failed files of job {s.short_id} ({s.workflow})")


def extra_blocks(snapshots: Sequence[RunSnapshot]) -> list[Block]:
    """Progress of running jobs, failed files, the server's notes and polling problems, in that order per run.

    A batch's jobs are shown like runs of their own, except that a note several of them share
    is shown once, naming them all.
    """
    blocks: list[Block] = []
    for s in snapshots:
        if s.is_batch:
            launched = [j for j in s.jobs if j.job_id]
            for j in launched:
                blocks.extend(_run_blocks(j, single=False, notes=False))
            blocks.extend(_shared_notes(launched))
            if s.problem:
                blocks.append(Block("problem", f"Batch {s.workflow}", text=s.problem))
        else:
            blocks.extend(_run_blocks(s, single=len(snapshots) == 1, notes=True))
    return blocks


def _run_blocks(s: RunSnapshot, *, single: bool, notes: bool) -> list[Block]:
    blocks: list[Block] = []
    progress = progress_table(s)
    if progress is not None and (not s.done or (s.failed and single)):
        blocks.append(Block("table", progress.title, progress, progress=s.progress))
    failed = failed_table(s)
    if failed is not None:
        blocks.append(Block("table", failed.title, failed))
    if s.message and notes:
        blocks.append(Block("note", f"Job {s.short_id}", text=s.message))
    if s.problem:
        blocks.append(Block("problem", f"Job {s.short_id}: polling problem (still trying)", text=s.problem))
    if s.stale and not s.finished:
        blocks.append(Block("problem", f"Job {s.short_id}: this table is not updating", text=s.stale))
    return blocks


def _shared_notes(jobs: Sequence[RunSnapshot]) -> list[Block]:
    by_text: dict[str, list[str]] = {}
    for j in jobs:
        if j.message:
            by_text.setdefault(j.message, []).append(j.short_id)
    blocks = []
    for text, ids in by_text.items():
        title = f"Job {ids[0]}" if len(ids) == 1 else f"Jobs {_files_cell(ids, limit=4)}"
        blocks.append(Block("note", title, text=text))
    return blocks


def jobs_table(jobs: Sequence[Job], limit: int | None = None, final_nodes: Mapping[str, str] | None = None) -> Table:
    """Jobs, newest first (``%unstructured_jobs``), with the status table's column names.

    ``final_nodes`` (workflow id -> its last node's id) makes "outputs" count files with a
    final output, as the status table does.
    """
    finals = final_nodes or {}
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    ordered = sorted(jobs, key=lambda j: j.created_at or oldest, reverse=True)
    if limit is not None:
        ordered = ordered[:limit]
    rows = tuple(
        (
            j.id,
            j.workflow_name,
            j.status.value,
            format_time(j.created_at),
            format_seconds(j.runtime_seconds),
            str(len(j.input_file_ids)),
            _outputs_cell(output_count(j, finals.get(j.workflow_id)), j.done),
        )
        for j in ordered
    )
    columns = ("job_id", "workflow", "status", "created", "elapsed", "input files", "outputs")
    return Table(columns, rows, states=tuple(j.status.value for j in ordered))


def workflows_table(workflows: Sequence[Workflow]) -> Table:
    """Workflows by name (``%unstructured_workflows``)."""
    rows = tuple(
        (
            wf.name,
            wf.id,
            " -> ".join(f"{n.type}:{n.subtype}" if n.subtype else n.type for n in wf.workflow_nodes),
            wf.workflow_type or "",
            wf.status,
        )
        for wf in sorted(workflows, key=lambda w: (w.name.lower(), w.id))
    )
    return Table(("name", "id", "nodes", "type", "status"), rows)


def templates_table(templates: Sequence[Mapping[str, object]]) -> Table:
    """Templates by name (``%unstructured_templates``): what ``--template`` takes, id or name."""
    rows = tuple(
        tuple(str(t.get(k) or "") for k in ("id", "name", "description", "version", "last_updated"))
        for t in sorted(templates, key=lambda t: (str(t.get("name") or "").lower(), str(t.get("id"))))
    )
    return Table(("id", "name", "description", "version", "last_updated"), rows)
