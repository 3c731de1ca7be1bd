"""A job's outputs, per file and node, in workflow order: everything once it completed, what is there before.

:func:`collect` is what ``run.outputs()`` and ``run.elements()`` do: download each file's
outputs once (a cache keyed by file and node, so asking again while a job runs fetches only
what is new), keep only files whose final output exists unless every node is asked for, and
say in one line what is missing (files still running, failed or never processed). With
``strict=True`` a job that did not complete with every file is the short error instead.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from ..client.protocol import ClientProtocol
from ..errors import JobNotCompletedError
from ..models import Job, JobStatus, WorkflowNode

__all__ = ["Outputs", "collect", "download_outputs"]

#: ``{input file: {node: [element, ...]}}``, nodes in workflow order.
Outputs = dict[str, dict[str, list[dict[str, Any]]]]
#: Downloaded outputs by (file id, node id).
Cache = MutableMapping[tuple[str, str | None], list[dict[str, Any]]]


def download_outputs(
    client: ClientProtocol,
    job: Job,
    nodes: Sequence[WorkflowNode],
    cache: Cache | None = None,
    *,
    final_only: bool = False,
) -> Outputs:
    """Every output file of ``job``, keyed by its file name and then by its node's name.

    Nodes come in the order of ``nodes`` (the workflow's), so the last one of each file is
    the final output. A file is named by the ``filename`` its elements carry, else its id;
    a second file of the same name (``a/report.pdf`` and ``b/report.pdf``) is
    ``report.pdf (2)``, so no file's elements replace another's. ``final_only``: leave out
    files whose final node has no output yet (a running job).
    """
    labels = {node.id: node.name or node.type for node in nodes if node.id}
    order = list(labels)
    final = order[-1] if order else None
    pairs: list[tuple[str, str | None, str]]
    if job.output_node_files:
        files = job.output_node_files
        if final_only and final is not None and any(nf.node_id == final for nf in files):
            complete = {nf.file_id for nf in files if nf.node_id == final}
            files = tuple(nf for nf in files if nf.file_id in complete)
        elif final_only and final is not None and not job.done:
            files = ()
        ranked = sorted(files, key=lambda nf: order.index(nf.node_id) if nf.node_id in order else len(order))
        pairs = [(nf.file_id, nf.node_id, labels.get(nf.node_id) or nf.node_type or nf.node_id) for nf in ranked]
    elif job.done:
        pairs = [(file_id, None, "output") for file_id in job.input_file_ids]
    else:
        pairs = []
    store: Cache = cache if cache is not None else {}
    result: Outputs = {}
    names: dict[str, str] = {}
    for file_id, node_id, label in pairs:
        key = (file_id, node_id)
        if key not in store:
            downloaded = client.download_job_output(job.id, file_id, node_id)
            store[key] = list(downloaded) if isinstance(downloaded, list) else []
        elements = store[key]
        if file_id not in names:
            names[file_id] = _unique(_filename_of(elements) or file_id, set(names.values()))
        result.setdefault(names[file_id], {})[label] = elements
    return result


def collect(
    client: ClientProtocol,
    job: Job,
    nodes: Sequence[WorkflowNode],
    cache: Cache,
    *,
    total: int,
    failed: int,
    strict: bool,
    all_nodes: bool = False,
) -> tuple[Outputs, str | None]:
    """The outputs there are now, and a one-line note on what is missing (None when nothing is).

    ``total`` input files, of which ``failed`` failed. ``strict``: raise
    :class:`JobNotCompletedError` unless the job COMPLETED with every file. Files whose final
    node has no output are left out unless ``all_nodes``.
    """
    complete = job.status == JobStatus.COMPLETED and not failed
    if strict and not complete:
        raise _not_complete(job, total, failed)
    if job.done and job.status != JobStatus.COMPLETED and not job.output_node_files:
        outputs: Outputs = {}
    else:
        outputs = download_outputs(client, job, nodes, cache, final_only=not all_nodes)
    if complete:
        return outputs, None
    got = len(outputs)
    of = f"{got} of {total} file{'s' if total != 1 else ''}" if total else f"{got} file{'s' if got != 1 else ''}"
    if not job.done:
        return outputs, (
            f"Note: job {job.id} is still {job.status.value}; these are the elements of the {of} finished so far "
            "(run.wait() waits for the rest)."
        )
    why = f"{failed} of {total} files failed" if failed and total else f"it ended {job.status.value}"
    more = " (run.failed_files says why; run.retry_failed() runs them again)" if failed else ""
    return outputs, f"Note: job {job.id} {job.status.value}, but {why}; these are the elements of the {of}{more}."


def _not_complete(job: Job, total: int, failed: int) -> JobNotCompletedError:
    if not job.done:
        return JobNotCompletedError(
            f"Job {job.id} is still {job.status.value}; its outputs are not all there yet",
            hint="Wait for it with run.wait(), or leave out strict=True to get the elements finished so far",
        )
    if failed:
        return JobNotCompletedError(
            f"Job {job.id} {job.status.value}, but {failed} of {total} files failed",
            hint="See run.failed_files for why; run.retry_failed() runs them again, and without strict=True you get "
            "the elements of the others",
        )
    return JobNotCompletedError(
        f"Job {job.id} ended {job.status.value}", hint="Without strict=True you get the elements of the files it finished"
    )


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def _filename_of(elements: list[dict[str, Any]]) -> str | None:
    for el in elements:
        meta = el.get("metadata") if isinstance(el, dict) else None
        if isinstance(meta, dict) and meta.get("filename"):
            return str(meta["filename"])
    return None
