"""Start, attach and run: the three calls every front end (magic, panel, terminal, Python) makes.

``start_run`` expands the inputs (``inputs``), finds the workflow (``workflows``), starts the
job with the shared client (``clients``), wraps it in a :class:`~.run.Run` and hands that to
the tracker. Every input is checked before any request, so a typo sends nothing.
"""

from __future__ import annotations

import os
from typing import Any

from ..client.protocol import ClientProtocol
from ..client.secret import Secret, hidden
from ..errors import UnstructuredError, UsageError
from ..models import Job, Workflow
from .clients import shared_client
from .inputs import InputFile, Inputs, expand
from .run import Run
from .workflows import resolve_workflow

__all__ = ["attach", "file_names", "retry_failed", "run", "start_run"]


def start_run(
    workflow: str | Workflow,
    files: Any,
    *,
    client: ClientProtocol | None = None,
    api_url: str | None = None,
    api_key: str | Secret | None = None,
    poll: float | None = None,
    track: bool = True,
) -> Run:
    """Check ``files`` (paths, globs, folders, uploads: see ``inputs``), find ``workflow``, start a job and follow it."""
    api_key = hidden(api_key)  # first: no frame below holds the key as text
    chosen = (files if isinstance(files, Inputs) else expand(files)).check()
    if client is None:
        client = shared_client(api_url, api_key)
    wf = workflow if isinstance(workflow, Workflow) else resolve_workflow(client, str(workflow))
    job = client.run_workflow(wf.id, files=[f.item for f in chosen])
    started = Run(job, client, workflow=wf, poll=poll, inputs=chosen)
    return started.track() if track else started


def attach(
    job_id: str,
    *,
    client: ClientProtocol | None = None,
    api_url: str | None = None,
    api_key: str | Secret | None = None,
    poll: float | None = None,
) -> Run:
    """Follow an existing job (after a kernel restart, or one started elsewhere)."""
    api_key = hidden(api_key)
    if client is None:
        client = shared_client(api_url, api_key)
    job = client.get_job(job_id.strip())
    workflow = None
    if job.workflow_id:
        try:  # its nodes say which output is final; best effort
            workflow = client.get_workflow(job.workflow_id)
        except UnstructuredError:
            pass
    attached = Run(job, client, poll=poll, workflow=workflow, files=file_names(client, job))
    if job.done:
        attached.refresh()  # its final details and failed files, once
        attached.finish()
        return attached
    return attached.track()


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
    if not previous.done:
        raise UsageError(
            f"Job {previous.job_id} is still {previous.status.value}",
            hint="Wait for it to end (run.wait()), then retry its failed files",
        )
    failed = previous.failed_files
    if failed is None:  # not fetched yet (no failure was seen in the node counts): ask
        failed = previous.client.get_job_failed_files(previous.job_id)
    names = [f.document for f in failed or ()]
    if not names:
        raise UsageError(f"No file failed in job {previous.job_id}", hint="There is nothing to run again")
    by_name: dict[str, list[InputFile]] = {}
    for f in previous.inputs:
        by_name.setdefault(f.name, []).append(f)
    chosen = [f for name in dict.fromkeys(names) for f in by_name.get(os.path.basename(name), by_name.get(name, []))]
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
    return start_run(workflow, list(chosen), **kwargs)


def run(workflow: str | Workflow, files: Any, *, wait: bool = False, timeout: float | None = None, **kwargs: Any) -> Run:
    """Start ``workflow`` on ``files`` and return its ``Run`` (``wait=True`` blocks until it ends)."""
    started = start_run(workflow, files, **kwargs)
    if wait:
        started.wait(timeout)
    return started
