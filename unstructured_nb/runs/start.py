"""Start, attach and run: the calls every front end (magic, panel, terminal, Python) makes.

``start_run`` expands the inputs (``inputs``), finds the workflow (``workflows``), starts the
job with the shared client (``clients``), wraps it in a :class:`~.run.Run` and hands that to
the tracker. ``start_job`` does the same for on-demand jobs (a template or job nodes, no
workflow): it plans the files into jobs under the platform's limits (``limits``) and
returns one :class:`~.batch.BatchRun` over them. Every input is checked before any
request, so a typo sends nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ..client.protocol import ClientProtocol
from ..client.secret import Secret, hidden
from ..errors import UnstructuredError, UsageError
from ..models import Workflow
from .again import file_names
from .batch import BatchRun
from .clients import shared_client
from .inputs import Inputs, expand
from .jobspec import JobSpec, load_nodes, nodes_from_options, resolve_template
from .launcher import LaunchGate
from .limits import PLATFORM_LIMITS, OnDemandLimits, plan_jobs
from .run import Run
from .sources import sources_of
from .tracker import Tracker
from .workflows import resolve_workflow

__all__ = ["attach", "job_spec", "local_engine", "run", "start_job", "start_run"]


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
    started = Run(job, client, files=[f.name for f in chosen], sources=sources_of(chosen), workflow=wf, poll=poll)
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


def job_spec(
    client: ClientProtocol,
    *,
    template: str | None = None,
    nodes: Any = None,
    strategy: str | None = None,
    chunk: str | None = None,
    max_characters: int | None = None,
    new_after_n_chars: int | None = None,
    overlap: int | None = None,
    embed: bool | str | None = None,
) -> JobSpec:
    """What an on-demand job runs: ``template`` (id or name), or ``nodes`` (a list, or a JSON file), or nodes
    built from the options (partition ``strategy`` -> ``chunk`` -> ``embed``); nothing given means partition fast."""
    options = (strategy, chunk, max_characters, new_after_n_chars, overlap)
    built = any(v is not None for v in options) or embed not in (None, False)
    if sum((template is not None, nodes is not None, built)) > 1:
        raise UsageError(
            "Give one of: a template, job nodes, or the node options (strategy, chunk, max_characters, embed...); "
            "they describe the same thing"
        )
    if template is not None:
        found = resolve_template(client, template)
        return JobSpec(name=str(found.get("name") or found["id"]), template_id=str(found["id"]))
    if nodes is not None:
        return JobSpec.of_nodes(load_nodes(nodes))
    return JobSpec.of_nodes(
        nodes_from_options(
            strategy=strategy,
            chunk=chunk,
            max_characters=max_characters,
            new_after_n_chars=new_after_n_chars,
            overlap=overlap,
            embed=("default" if embed is True else embed) or None,
            local=local_engine(client),
        )
    )


def local_engine(client: ClientProtocol) -> bool:
    """Whether ``client`` talks to a local engine (embedded, or on this machine: started by hand or by a test),
    whose embedder is the local model; the platform's otherwise."""
    host = (urlsplit(client.api_url).hostname or "").lower()
    return client.is_local or host in ("localhost", "::1") or host.startswith("127.")


def start_job(
    files: Any,
    *,
    client: ClientProtocol | None = None,
    api_url: str | None = None,
    api_key: str | Secret | None = None,
    limits: OnDemandLimits | None = None,
    poll: float | None = None,
    tracker: Tracker | None = None,
    gate: LaunchGate | None = None,
    **spec: Any,
) -> BatchRun:
    """Run on-demand jobs over ``files`` with no workflow: as many as ``limits`` need, followed as one run.

    ``spec`` is what :func:`job_spec` takes (``template=``, ``nodes=``, or ``strategy=``,
    ``chunk=``, ``max_characters=``, ``embed=``...). Files over the per-file limit are refused
    before anything is sent; the first job is launched before this returns. ``gate`` (default:
    the session's one for the API URL) spaces launches and counts running jobs across runs.
    """
    api_key = hidden(api_key)
    limits = limits or PLATFORM_LIMITS
    chosen = (files if isinstance(files, Inputs) else expand(files)).check()
    chunks = plan_jobs(chosen, limits)
    if client is None:
        client = shared_client(api_url, api_key)
    return BatchRun(client, job_spec(client, **spec), chunks, limits=limits, poll=poll, tracker=tracker, gate=gate).start()


def run(
    workflow: str | Workflow | None = None,
    files: Any = None,
    *,
    wait: bool = False,
    timeout: float | None = None,
    **kwargs: Any,
) -> Run | BatchRun:
    """Start ``workflow`` on ``files`` and return its ``Run`` (``wait=True`` blocks until it ends).

    Without a workflow, on-demand jobs run instead: ``run(files=["data/"], template="hi_res_and_enrichment")``,
    ``run(files=..., nodes=[...])`` or ``run(files=..., strategy="hi_res", chunk="by_title", embed=True)``.
    """
    if files is None:
        raise UsageError("No input files: pass files=[...] (paths, globs such as data/*.pdf, or folders)")
    started: Run | BatchRun
    on_demand = {"template", "nodes", "strategy", "chunk", "max_characters", "new_after_n_chars", "overlap", "embed", "limits"}
    if workflow is None:
        started = start_job(files, **kwargs)
    elif on_demand & set(kwargs):
        raise UsageError(
            f"A workflow run takes its nodes from the workflow {workflow!r}; drop "
            f"{', '.join(sorted(on_demand & set(kwargs)))}, or drop the workflow to run an on-demand job"
        )
    else:
        started = start_run(workflow, files, **kwargs)
    if wait:
        started.wait(timeout)
    return started
