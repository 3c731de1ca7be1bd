"""``RunSnapshot``: one immutable picture of a run, the only input of its text, HTML and DataFrame views.

Like tqdm's ``format_dict``: a run is read once, under its lock, into plain values, and
every view draws from those values, so the live table, the panel and the terminal can
never disagree on counts, names or statuses. A batch (an on-demand run cut into several
jobs) is one snapshot too: its totals, with one snapshot per job in ``jobs``. The one derived state every view shows
(:attr:`RunSnapshot.state`, :attr:`RunSnapshot.status_text`) is computed here too: a job
that COMPLETED with failed files is "COMPLETED, 5 of 6 files failed" (state ``PARTIAL``)
in the text, the HTML, the DataFrame, the panel and the terminal alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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
    failed_count: int = 0  # input files that failed (from the failed-files list, else the node counts)
    stale: str | None = None  # why this picture no longer updates (its kernel stopped), if it does not

    @property
    def short_id(self) -> str:
        return short_id(self.job_id)

    @property
    def partial(self) -> bool:
        """True when the job COMPLETED but some of its files failed."""
        return self.status == "COMPLETED" and self.failed_count > 0

    @property
    def state(self) -> str:
        """What the views colour by: the job's status, or ``PARTIAL`` for a completion with failed files."""
        return "PARTIAL" if self.partial else self.status

    @property
    def status_text(self) -> str:
        """The status as every table shows it: ``COMPLETED, 5 of 6 files failed`` for a partial completion."""
        text = self.status
        if self.partial:
            total = max(len(self.files), self.failed_count)
            noun = "file" if total == 1 else "files"
            text = f"COMPLETED, {self.failed_count} of {total} {noun} failed"
        return f"{text} (not updating)" if self.stale and not self.finished else text

    def marked_stale(self, reason: str) -> RunSnapshot:
        """This picture, marked as no longer updating (the kernel that drew it is stopping)."""
        return replace(self, stale=reason, jobs=tuple(j.marked_stale(reason) for j in self.jobs))

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
            failed_count=sum(j.failed_count for j in jobs),
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
        final_node: str | None = None,
    ) -> RunSnapshot:
        """The snapshot of a run whose state is these values.

        ``final_node`` is the id of the workflow's last node, when known: "outputs" then
        counts the input files whose final output exists (a file that is only partitioned
        in a partition-and-chunk workflow has no output yet), as the node counts do.
        """
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
            outputs=output_count(job, final_node),
            progress=progress,
            failed=tuple(FileFailure(f.document, f.error) for f in failed or ()),
            message=details.message if details is not None and job.done else None,
            problem=user_message(error) if error is not None else None,
            failed_count=_failed_count(len(files), failed, progress),
        )


def output_count(job: Job, final_node: str | None = None) -> int:
    """Input files with an output: at ``final_node`` when given (and present in the job), else at any node."""
    nodes = job.output_node_files
    if final_node and any(nf.node_id == final_node for nf in nodes):
        return len({nf.file_id for nf in nodes if nf.node_id == final_node})
    if final_node and not job.done:
        return 0  # the final node has no output yet
    return len({nf.file_id for nf in nodes})


def _failed_count(total: int, failed: Sequence[FailedFile] | None, progress: Sequence[NodeProgress]) -> int:
    if failed:
        return len({f.document for f in failed}) or len(failed)
    # before the list arrives: each failed file failed at one node, so the node counts add up
    counted = sum(p.failure for p in progress)
    return min(counted, total) if total else counted
