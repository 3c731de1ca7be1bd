"""A job again: the names of an attached job's files, and a new job with just the files that failed in one.

``file_names`` reads the server's per-file status so a job followed after a kernel restart
(or from the CLI) shows its files' names, not their ids. ``retry_failed`` starts a new job
of the same workflow with only the files that failed, sent again from what the run
remembers it sent (``run.sources``: each file's path here, or the upload).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..client.protocol import ClientProtocol
from ..errors import UnstructuredError, UsageError
from ..models import Job
from .sources import find_source

if TYPE_CHECKING:  # pragma: no cover
    from .run import Run

__all__ = ["file_names", "retry_failed"]


def file_names(client: ClientProtocol, job: Job) -> list[str]:
    """The names of ``job``'s input files, in ``input_file_ids`` order, from the server's per-file status.

    Empty when the server cannot say (the file-status endpoint is newer than some servers):
    the run then shows the file ids.
    """
    if not job.input_file_ids:
        return []
    try:
        report = client.get_job_file_status(job.id)
    except UnstructuredError:
        return []
    entries = report.get("files") if isinstance(report, dict) else None
    names: dict[str, str] = {}
    for entry in entries if isinstance(entries, list) else ():
        if isinstance(entry, dict) and entry.get("record_id") and entry.get("document"):
            names[str(entry["record_id"])] = os.path.basename(str(entry["document"])) or str(entry["document"])
    if not names:
        return []
    return [names.get(file_id, file_id) for file_id in job.input_file_ids]


def retry_failed(previous: Run, **kwargs: Any) -> Run:
    """A new job of ``previous``'s workflow with only the files that failed in it (``run.retry_failed()``)."""
    from .start import start_run  # start imports this module for attach

    if not previous.done:
        raise UsageError(
            f"Job {previous.job_id} is still {previous.status.value}",
            hint="Wait for it to end (run.wait()), then retry its failed files",
        )
    failed = previous.failed_files
    if failed is None:  # not fetched yet (no failure was seen in the node counts): ask
        failed = previous.client.get_job_failed_files(previous.job_id)
    names = list(dict.fromkeys(f.document for f in failed or ()))
    if not names:
        raise UsageError(f"No file failed in job {previous.job_id}", hint="There is nothing to run again")
    found = {name: find_source(previous.sources, name) for name in names}
    chosen = [value for value in found.values() if value is not None]
    if not chosen:
        listed = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
        raise UsageError(
            f"The files that failed in job {previous.job_id} ({listed}) are not at hand here: it was started elsewhere "
            "(or attached to), so this session does not have them",
            hint="Start a new run with just those files",
        )
    workflow = previous.workflow or previous.job.workflow_id
    kwargs.setdefault("client", previous.client)
    kwargs.setdefault("poll", previous.poll_interval)
    return start_run(workflow, chosen, **kwargs)
