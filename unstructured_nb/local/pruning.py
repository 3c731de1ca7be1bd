"""Prune a data dir: remove jobs that ended long ago, their uploads and outputs, and say what it freed.

``unstructured-nb prune --older-than 7d`` and :func:`prune` (``unstructured_nb.local.prune``).
Only ended jobs (COMPLETED, FAILED, STOPPED) whose end is older than the age are removed;
a running or queued job is never touched, whatever its age. Their rows are deleted, not
marked: the jobs list shows only jobs whose outputs can still be downloaded. The rows go
first, then the folders, so a crash in between leaves only folders of unknown jobs, which
the engine removes at its next start. Safe while the engine runs (SQLite serialises writers).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ..sizes import format_size
from .discovery import resolve_data_dir, shown_path
from .idle import parse_seconds, shown_seconds
from .rows import utcnow
from .store import Store

__all__ = ["PruneReport", "prune"]


@dataclass(frozen=True)
class PruneReport:
    """What :func:`prune` removed (or, with ``dry_run``, would remove)."""

    data_dir: Path
    older_than: float  # seconds
    jobs: int
    files: int
    bytes: int
    dry_run: bool = False

    def __str__(self) -> str:
        age, where = shown_seconds(self.older_than), shown_path(self.data_dir)
        if not self.jobs:
            return f"Nothing to prune: no job in {where} ended more than {age} ago."
        verb = "Would remove" if self.dry_run else "Removed"
        jobs = f"{self.jobs} job{'s' if self.jobs != 1 else ''}"
        return (
            f"{verb} {jobs} that ended more than {age} ago from {where}: "
            f"{self.files} file{'s' if self.files != 1 else ''}, {format_size(self.bytes)}."
        )


def prune(
    older_than: str | float | timedelta = "7d", data_dir: str | os.PathLike[str] | None = None, *, dry_run: bool = False
) -> PruneReport:
    """Remove the jobs of ``data_dir`` (default: the shared one) that ended more than ``older_than`` ago.

    ``older_than``: seconds, a :class:`~datetime.timedelta`, or text like ``"90s"``, ``"30m"``,
    ``"12h"``, ``"7d"``. Their uploads, outputs and rows go; running and queued jobs stay.
    ``dry_run=True`` only counts. Returns a :class:`PruneReport` (its ``str`` is one line).
    """
    seconds = older_than.total_seconds() if isinstance(older_than, timedelta) else parse_seconds(older_than)
    if seconds < 0:
        raise ValueError("older_than must be 0 or more")
    path = resolve_data_dir(data_dir)
    db = path / "engine.db"
    if not db.is_file():  # nothing was ever run here: do not create a database
        return PruneReport(path, seconds, 0, 0, 0, dry_run)
    store = Store(db)
    try:
        old = [job.id for job in store.ended_jobs(utcnow() - timedelta(seconds=seconds))]
        sizes = {job_id: _measure(path / "jobs" / job_id) for job_id in old}
        removed = old if dry_run else store.delete_ended_jobs(old)
    finally:
        store.close()
    if not dry_run:
        for job_id in removed:
            shutil.rmtree(path / "jobs" / job_id, ignore_errors=True)
    files = sum(sizes[j][0] for j in removed)
    size = sum(sizes[j][1] for j in removed)
    return PruneReport(path, seconds, len(removed), files, size, dry_run)


def _measure(folder: Path) -> tuple[int, int]:
    """Files under ``folder`` and their bytes (symlinks are not followed; the engine writes none)."""
    count = total = 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
            count += 1
    return count, total
