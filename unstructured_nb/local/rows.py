"""The store's rows: :class:`WorkflowRow`, :class:`JobRow`, :class:`FileRow`, and how a SQLite row becomes one.

Times are stored as ISO 8601 text in UTC (:func:`timestamp`) and come back as aware datetimes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

__all__ = ["FileRow", "JobRow", "WorkflowRow", "file_row", "job_row", "timestamp", "utcnow", "workflow_row"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def timestamp(value: datetime | None = None) -> str:
    return (value or utcnow()).isoformat()


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _required_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


@dataclass(frozen=True)
class WorkflowRow:
    """A stored workflow; ``nodes`` as :func:`~.nodes.prepare_nodes` left them (ids included)."""

    id: str
    name: str
    workflow_type: str | None
    status: str
    nodes: list[dict[str, Any]]
    schedule: dict[str, Any] | None
    reprocess_all: bool
    created_at: datetime
    updated_at: datetime | None


@dataclass(frozen=True)
class JobRow:
    """A job: SCHEDULED -> IN_PROGRESS -> COMPLETED | FAILED | STOPPED, with a copy of its workflow's nodes."""

    id: str
    workflow_id: str
    workflow_name: str
    status: str
    job_type: str
    nodes: list[dict[str, Any]]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    message: str | None


@dataclass(frozen=True)
class FileRow:
    """One input file of a job: ready -> in_progress -> success | failure | stopped.

    Node ``i``'s output exists once ``done_nodes > i``; ``path`` is relative to the data dir.
    """

    id: str
    job_id: str
    idx: int
    name: str
    path: str
    size: int
    status: str
    done_nodes: int
    failed_node: int | None
    error: str | None
    warnings: list[str]


def workflow_row(row: sqlite3.Row) -> WorkflowRow:
    return WorkflowRow(
        id=row["id"],
        name=row["name"],
        workflow_type=row["workflow_type"],
        status=row["status"],
        nodes=json.loads(row["nodes"]),
        schedule=json.loads(row["schedule"]) if row["schedule"] else None,
        reprocess_all=bool(row["reprocess_all"]),
        created_at=_required_datetime(row["created_at"]),
        updated_at=_datetime(row["updated_at"]),
    )


def job_row(row: sqlite3.Row) -> JobRow:
    return JobRow(
        id=row["id"],
        workflow_id=row["workflow_id"],
        workflow_name=row["workflow_name"],
        status=row["status"],
        job_type=row["job_type"],
        nodes=json.loads(row["nodes"]),
        created_at=_required_datetime(row["created_at"]),
        started_at=_datetime(row["started_at"]),
        finished_at=_datetime(row["finished_at"]),
        message=row["message"],
    )


def file_row(row: sqlite3.Row) -> FileRow:
    return FileRow(
        id=row["id"],
        job_id=row["job_id"],
        idx=row["idx"],
        name=row["name"],
        path=row["path"],
        size=row["size"],
        status=row["status"],
        done_nodes=row["done_nodes"],
        failed_node=row["failed_node"],
        error=row["error"],
        warnings=json.loads(row["warnings"]) if row["warnings"] else [],
    )
