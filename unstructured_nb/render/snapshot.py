"""``RunSnapshot``: one immutable picture of a run, the only input of its text, HTML and DataFrame views.

Like tqdm's ``format_dict``: a run is read once, under its lock, into plain values, and
every view draws from those values, so the live table, the panel and the terminal can
never disagree on counts, names or statuses. A batch (an on-demand run cut into several
jobs) is one snapshot too: its totals, with one snapshot per job in ``jobs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..errors import UnstructuredError, user_message
from ..models import FailedFile, Job, JobDetails
from .style import short_id

__all__ = ["FileFailure", "NodeProgress", "RunSnapshot"]


@dataclass(frozen=True)
class NodeProgress:
    """File counts of one workflow node."""

    node: str
    kind: str  # "partition/fast"
    ready: int
    in_progress: int
    success: int
    failure: int

    @property
    def total(self) -> int:
        return self.ready + self.in_progress + self.success + self.failure

    @property
    def finished(self) -> int:
        return self.success + self.failure


@dataclass(frozen=True)
class FileFailure:
    """A file the job could not process, with the reason."""

    file: str
    error: str


@dataclass(frozen=True)
class RunSnapshot:
    """What a run looks like at one moment."""

    job_id: str
    workflow: str
    status: str
    done: bool  # the job ended (COMPLETED, FAILED, STOPPED)
    finished: bool  # and tracking ended: its final details are in
    created_at: datetime | None
    elapsed: float | None
    last_polled: datetime | None
    files: tuple[str, ...]
    outputs: int  # input files with an output
    progress: tuple[NodeProgress, ...]
    failed: tuple[FileFailure, ...]
    message: str | None  # the server's note on the job (a strategy it emulated, say)
    problem: str | None  # the latest polling error, as its one paragraph
    jobs: tuple[RunSnapshot, ...] = ()  # a batch's jobs (and the ones still waiting to be launched)

    @property
    def short_id(self) -> str:
        return short_id(self.job_id)

    @property
    def is_batch(self) -> bool:
        return bool(self.jobs)

    @classmethod
    def waiting(cls, workflow: str, files: Sequence[str], status: str) -> RunSnapshot:
        """A job of a batch that is not launched yet (``WAITING``), or never will be (``NOT SENT``)."""
        return cls(
            job_id="",
            workflow=workflow,
            status=status,
            done=status != "WAITING",
            finished=status != "WAITING",
            created_at=None,
            elapsed=None,
            last_polled=None,
            files=tuple(files),
            outputs=0,
            progress=(),
            failed=(),
            message=None,
            problem=None,
        )

    @classmethod
    def of_batch(
        cls,
        jobs: Sequence[RunSnapshot],
        *,
        workflow: str,
        status: str,
        done: bool,
        finished: bool,
        elapsed: float | None,
        problem: str | None,
    ) -> RunSnapshot:
        """The totals of a batch over its jobs' snapshots (launched or not)."""
        created = [j.created_at for j in jobs if j.created_at is not None]
        polled = [j.last_polled for j in jobs if j.last_polled is not None]
        launched = sum(1 for j in jobs if j.job_id)
        return cls(
            job_id=f"{launched}/{len(jobs)} jobs",
            workflow=workflow,
            status=status,
            done=done,
            finished=finished,
            created_at=min(created) if created else None,
            elapsed=elapsed,
            last_polled=max(polled) if polled else None,
            files=tuple(f for j in jobs for f in j.files),
            outputs=sum(j.outputs for j in jobs),
            progress=(),
            failed=tuple(f for j in jobs for f in j.failed),
            message=None,
            problem=problem,
            jobs=tuple(jobs),
        )

    @classmethod
    def of(
        cls,
        job: Job,
        *,
        workflow: str,
        files: Sequence[str],
        details: JobDetails | None,
        failed: Sequence[FailedFile] | None,
        error: UnstructuredError | None,
        last_polled: datetime | None,
        elapsed: float | None,
        finished: bool,
    ) -> RunSnapshot:
        """The snapshot of a run whose state is these values."""
        progress = tuple(
            NodeProgress(
                node=n.node_name or n.node_type or "",
                kind="/".join(x for x in (n.node_type, n.node_subtype) if x),
                ready=n.ready,
                in_progress=n.in_progress,
                success=n.success,
                failure=n.failure,
            )
            for n in (details.node_stats if details is not None else ())
        )
        return cls(
            job_id=job.id,
            workflow=workflow,
            status=job.status.value,
            done=job.done,
            finished=finished,
            created_at=job.created_at,
            elapsed=elapsed,
            last_polled=last_polled,
            files=tuple(files),
            outputs=len({nf.file_id for nf in job.output_node_files}),
            progress=progress,
            failed=tuple(FileFailure(f.document, f.error) for f in failed or ()),
            message=details.message if details is not None and job.done else None,
            problem=user_message(error) if error is not None else None,
        )
