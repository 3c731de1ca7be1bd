"""The local engine's durable state: workflows, jobs and files in SQLite (stdlib), read back as :mod:`.rows`.

One connection per ``Store`` guarded by a lock: SQLite serialises writers anyway, and
every statement here is short, so a single connection is both simplest and fast. The
database runs in WAL mode (readers never block the writer, and a crash never leaves a
half-written transaction) with ``synchronous=NORMAL`` (a committed transaction survives
a process crash; only a power loss may drop the last few). A ``busy_timeout`` makes a
second process on the same file (a CLI tool reading jobs, say) wait rather than fail.

Bytes never live in the database: uploads and node outputs are files under the data
dir, and rows only hold paths relative to it, built from ids the engine generated.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from .rows import FileRow, JobRow, WorkflowRow, file_row, job_row, timestamp, workflow_row

__all__ = ["Store"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workflows (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    workflow_type TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    nodes TEXT NOT NULL,
    schedule TEXT,
    reprocess_all INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    workflow_id TEXT NOT NULL,
    workflow_name TEXT NOT NULL,
    status TEXT NOT NULL,
    job_type TEXT NOT NULL DEFAULT 'ephemeral',
    nodes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    message TEXT
);
CREATE INDEX IF NOT EXISTS jobs_workflow ON jobs(workflow_id);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status);
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'ready',
    done_nodes INTEGER NOT NULL DEFAULT 0,
    failed_node INTEGER,
    error TEXT,
    warnings TEXT
);
CREATE INDEX IF NOT EXISTS files_job ON files(job_id, idx);
"""
_ENDED = "'COMPLETED','FAILED','STOPPED'"


class Store:
    """Workflows, jobs and files of one data dir. Thread-safe."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30.0)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=30000")
        self._db.execute("PRAGMA foreign_keys=OFF")
        with self._lock:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- plumbing ---------------------------------------------------------------------

    def _one(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._lock:
            row: sqlite3.Row | None = self._db.execute(sql, args).fetchone()
            return row

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _exec(self, sql: str, args: Sequence[Any] = ()) -> int:
        with self._lock:
            return self._db.execute(sql, args).rowcount

    def _tx(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for sql, args in statements:
                    self._db.execute(sql, args)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key=?", (key,))
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._exec("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value", (key, value))

    # -- workflows --------------------------------------------------------------------

    def create_workflow(
        self,
        *,
        name: str,
        workflow_type: str | None,
        nodes: list[dict[str, Any]],
        schedule: Mapping[str, Any] | None = None,
        reprocess_all: bool = False,
        workflow_id: str | None = None,
    ) -> WorkflowRow:
        wid = workflow_id or str(uuid.uuid4())
        self._exec(
            "INSERT INTO workflows(id, name, workflow_type, status, nodes, schedule, reprocess_all, created_at)"
            " VALUES(?, ?, ?, 'active', ?, ?, ?, ?)",
            (
                wid,
                name,
                workflow_type,
                json.dumps(nodes),
                json.dumps(schedule) if schedule else None,
                int(reprocess_all),
                timestamp(),
            ),
        )
        wf = self.get_workflow(wid)
        assert wf is not None
        return wf

    def get_workflow(self, workflow_id: str) -> WorkflowRow | None:
        row = self._one("SELECT * FROM workflows WHERE id=?", (workflow_id,))
        return workflow_row(row) if row else None

    def list_workflows(self) -> list[WorkflowRow]:
        return [workflow_row(r) for r in self._all("SELECT * FROM workflows ORDER BY created_at, id")]

    def update_workflow(self, workflow_id: str, changes: Mapping[str, Any]) -> WorkflowRow | None:
        allowed = {"name", "workflow_type", "status", "nodes", "schedule", "reprocess_all"}
        sets, args = [], []
        for key, value in changes.items():
            if key not in allowed:
                raise KeyError(key)
            if key in ("nodes", "schedule"):
                value = json.dumps(value) if value is not None else None
            if key == "reprocess_all":
                value = int(bool(value))
            sets.append(f"{key}=?")
            args.append(value)
        sets.append("updated_at=?")
        args.append(timestamp())
        args.append(workflow_id)
        if not self._exec(f"UPDATE workflows SET {', '.join(sets)} WHERE id=?", args):
            return None
        return self.get_workflow(workflow_id)

    def delete_workflow(self, workflow_id: str) -> bool:
        return bool(self._exec("DELETE FROM workflows WHERE id=?", (workflow_id,)))

    # -- jobs -------------------------------------------------------------------------

    def create_job(
        self,
        *,
        job_id: str,
        workflow: WorkflowRow,
        files: Sequence[tuple[str, str, str, int]],
        nodes: list[dict[str, Any]] | None = None,
    ) -> JobRow:
        """Insert a SCHEDULED job and its files: ``(file_id, original name, relative path, size)``."""
        statements: list[tuple[str, Sequence[Any]]] = [
            (
                "INSERT INTO jobs(id, workflow_id, workflow_name, status, job_type, nodes, created_at)"
                " VALUES(?, ?, ?, 'SCHEDULED', 'ephemeral', ?, ?)",
                (job_id, workflow.id, workflow.name, json.dumps(nodes if nodes is not None else workflow.nodes), timestamp()),
            )
        ]
        for idx, (file_id, name, rel, size) in enumerate(files):
            statements.append(
                (
                    "INSERT INTO files(id, job_id, idx, name, path, size) VALUES(?, ?, ?, ?, ?, ?)",
                    (file_id, job_id, idx, name, rel, size),
                )
            )
        self._tx(statements)
        job = self.get_job(job_id)
        assert job is not None
        return job

    def get_job(self, job_id: str) -> JobRow | None:
        row = self._one("SELECT * FROM jobs WHERE id=?", (job_id,))
        return job_row(row) if row else None

    def list_jobs(self, *, workflow_id: str | None = None, status: str | None = None) -> list[JobRow]:
        sql, args = "SELECT * FROM jobs", []
        where = []
        if workflow_id:
            where.append("workflow_id=?")
            args.append(workflow_id)
        if status:
            where.append("status=?")
            args.append(status)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq DESC"
        return [job_row(r) for r in self._all(sql, args)]

    def jobs_with_status(self, *statuses: str) -> list[JobRow]:
        marks = ",".join("?" for _ in statuses)
        return [job_row(r) for r in self._all(f"SELECT * FROM jobs WHERE status IN ({marks}) ORDER BY seq", statuses)]

    def start_job(self, job_id: str) -> bool:
        """SCHEDULED -> IN_PROGRESS (once); False if the job is no longer scheduled."""
        return bool(
            self._exec(
                "UPDATE jobs SET status='IN_PROGRESS', started_at=? WHERE id=? AND status='SCHEDULED'", (timestamp(), job_id)
            )
        )

    def finish_job(
        self, job_id: str, status: str, message: str | None = None, *, only_if: Sequence[str] = ("SCHEDULED", "IN_PROGRESS")
    ) -> bool:
        """Move a job to a terminal status unless it already left ``only_if`` (first writer wins)."""
        marks = ",".join("?" for _ in only_if)
        now = timestamp()
        return bool(
            self._exec(
                f"UPDATE jobs SET status=?, finished_at=?, started_at=COALESCE(started_at, ?), message=COALESCE(?, message)"
                f" WHERE id=? AND status IN ({marks})",
                (status, now, now, message, job_id, *only_if),
            )
        )

    # -- files ------------------------------------------------------------------------

    def job_files(self, job_id: str) -> list[FileRow]:
        return [file_row(r) for r in self._all("SELECT * FROM files WHERE job_id=? ORDER BY idx", (job_id,))]

    def files_for_jobs(self, job_ids: Sequence[str]) -> dict[str, list[FileRow]]:
        out: dict[str, list[FileRow]] = {j: [] for j in job_ids}
        if not job_ids:
            return out
        # chunks keep us under SQLite's variable limit
        for start in range(0, len(job_ids), 500):
            chunk = job_ids[start : start + 500]
            marks = ",".join("?" for _ in chunk)
            for r in self._all(f"SELECT * FROM files WHERE job_id IN ({marks}) ORDER BY job_id, idx", chunk):
                out[r["job_id"]].append(file_row(r))
        return out

    def get_file(self, job_id: str, file_id: str) -> FileRow | None:
        row = self._one("SELECT * FROM files WHERE job_id=? AND id=?", (job_id, file_id))
        return file_row(row) if row else None

    def pending_files(self, job_id: str) -> list[FileRow]:
        return [
            file_row(r)
            for r in self._all("SELECT * FROM files WHERE job_id=? AND status IN ('ready','in_progress') ORDER BY idx", (job_id,))
        ]

    def start_file(self, file_id: str) -> bool:
        return bool(self._exec("UPDATE files SET status='in_progress', done_nodes=0 WHERE id=? AND status='ready'", (file_id,)))

    def requeue_job(self, job_id: str) -> None:
        """Put a job whose files were interrupted by a clean shutdown back in the queue (resumed at the next start)."""
        self._tx(
            [
                ("UPDATE files SET status='ready', done_nodes=0 WHERE job_id=? AND status='in_progress'", (job_id,)),
                ("UPDATE jobs SET status='SCHEDULED' WHERE id=? AND status='IN_PROGRESS'", (job_id,)),
            ]
        )

    def job_ids(self) -> set[str]:
        return {r["id"] for r in self._all("SELECT id FROM jobs")}

    def node_done(self, file_id: str, done_nodes: int) -> None:
        self._exec("UPDATE files SET done_nodes=? WHERE id=? AND status='in_progress'", (done_nodes, file_id))

    def finish_file(
        self,
        file_id: str,
        status: str,
        *,
        done_nodes: int | None = None,
        failed_node: int | None = None,
        error: str | None = None,
        warnings: Sequence[str] = (),
    ) -> bool:
        return bool(
            self._exec(
                "UPDATE files SET status=?, done_nodes=COALESCE(?, done_nodes), failed_node=?, error=?, warnings=?"
                " WHERE id=? AND status IN ('ready','in_progress')",
                (status, done_nodes, failed_node, error, json.dumps(list(warnings)) if warnings else None, file_id),
            )
        )

    def stop_pending_files(self, job_id: str, error: str, status: str = "stopped") -> int:
        return self._exec(
            "UPDATE files SET status=?, error=? WHERE job_id=? AND status IN ('ready','in_progress')", (status, error, job_id)
        )

    def count_pending(self, job_id: str) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM files WHERE job_id=? AND status IN ('ready','in_progress')", (job_id,))
        return int(row["n"]) if row else 0

    # -- pruning ----------------------------------------------------------------------

    def ended_jobs(self, before: datetime) -> list[JobRow]:
        """Jobs that ended (COMPLETED, FAILED, STOPPED) before ``before``, oldest first."""
        rows = self._all(f"SELECT * FROM jobs WHERE status IN ({_ENDED}) ORDER BY seq")
        return [j for j in map(job_row, rows) if (j.finished_at or j.created_at) < before]

    def delete_ended_jobs(self, job_ids: Sequence[str]) -> list[str]:
        """Delete these jobs and their files' rows, each only if it is still ended; returns the ids deleted."""
        deleted: list[str] = []
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for job_id in job_ids:
                    if self._db.execute(f"DELETE FROM jobs WHERE id=? AND status IN ({_ENDED})", (job_id,)).rowcount:
                        self._db.execute("DELETE FROM files WHERE job_id=?", (job_id,))
                        deleted.append(job_id)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return deleted
