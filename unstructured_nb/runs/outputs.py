"""Download a finished job's outputs: every file's elements, per node, in workflow order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..client.protocol import ClientProtocol
from ..models import Job, WorkflowNode

__all__ = ["Outputs", "download_outputs"]

#: ``{input file: {node: [element, ...]}}``, nodes in workflow order.
Outputs = dict[str, dict[str, list[dict[str, Any]]]]


def download_outputs(client: ClientProtocol, job: Job, nodes: Sequence[WorkflowNode]) -> Outputs:
    """Every output file of ``job``, keyed by its file name and then by its node's name.

    Nodes come in the order of ``nodes`` (the workflow's), so the last one of each file is
    the final output. A file is named by the ``filename`` its elements carry, else its id;
    a second file of the same name (``a/report.pdf`` and ``b/report.pdf``) is
    ``report.pdf (2)``, so no file's elements replace another's.
    """
    labels = {node.id: node.name or node.type for node in nodes if node.id}
    order = list(labels)
    pairs: list[tuple[str, str | None, str]]
    if job.output_node_files:
        ranked = sorted(job.output_node_files, key=lambda nf: order.index(nf.node_id) if nf.node_id in order else len(order))
        pairs = [(nf.file_id, nf.node_id, labels.get(nf.node_id) or nf.node_type or nf.node_id) for nf in ranked]
    else:
        pairs = [(file_id, None, "output") for file_id in job.input_file_ids]
    result: Outputs = {}
    names: dict[str, str] = {}
    for file_id, node_id, label in pairs:
        downloaded = client.download_job_output(job.id, file_id, node_id)
        elements = list(downloaded) if isinstance(downloaded, list) else []
        if file_id not in names:
            names[file_id] = _unique(_filename_of(elements) or file_id, set(names.values()))
        result.setdefault(names[file_id], {})[label] = elements
    return result


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
