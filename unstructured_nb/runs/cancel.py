"""Cancelling a run's job, and the one sentence saying what happened (``run.cancel()``'s answer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .run import Run

__all__ = ["CancelOutcome", "cancel"]


@dataclass(frozen=True)
class CancelOutcome:
    """What ``run.cancel()`` did, in one sentence (its repr, so a cell ending with it says so)."""

    job_id: str
    requested: bool  # False: the job had already ended, nothing was sent
    message: str

    def __repr__(self) -> str:
        return self.message


def cancel(run: Run) -> CancelOutcome:
    """Ask the server to stop ``run``'s job (nothing is sent for a job that already ended)."""
    if run.done:
        return CancelOutcome(run.job_id, False, f"Job {run.job_id} already ended {run.status.value}; nothing to cancel.")
    was = run.status.value
    answer = run.client.cancel_job(run.job_id)
    run.poll_soon()
    said = answer.get("message") if isinstance(answer, dict) else None
    server = f" The server said: {str(said).rstrip('.')}." if said else ""
    return CancelOutcome(
        run.job_id,
        True,
        f"Cancel requested for job {run.job_id} (it was {was}).{server} Its table shows STOPPED once the server has stopped it.",
    )
