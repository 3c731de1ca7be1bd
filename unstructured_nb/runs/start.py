"""Start, attach and run: the three calls every front end (magic, panel, terminal, Python) makes.

``start_run`` expands the inputs (``inputs``), finds the workflow (``workflows``), starts the
job with the shared client (``clients``), wraps it in a :class:`~.run.Run` and hands that to
the tracker. Every input is checked before any request, so a typo sends nothing.
"""

from __future__ import annotations

from typing import Any

from ..client.protocol import ClientProtocol
from ..client.secret import Secret, hidden
from ..models import Workflow
from .clients import shared_client
from .inputs import Inputs, expand
from .run import Run
from .workflows import resolve_workflow

__all__ = ["attach", "run", "start_run"]


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
    sources: dict[str, Any] = {}  # for run.view(): the paths, or the uploads themselves (the first of a name)
    for f in chosen:
        sources.setdefault(f.name, f.path or f.item)
    started = Run(job, client, files=[f.name for f in chosen], sources=sources, workflow=wf, poll=poll)
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
    attached = Run(job, client, poll=poll)
    if job.done:
        attached.refresh()  # its final details and failed files, once
        attached.finish()
        return attached
    return attached.track()


def run(workflow: str | Workflow, files: Any, *, wait: bool = False, timeout: float | None = None, **kwargs: Any) -> Run:
    """Start ``workflow`` on ``files`` and return its ``Run`` (``wait=True`` blocks until it ends)."""
    started = start_run(workflow, files, **kwargs)
    if wait:
        started.wait(timeout)
    return started
