"""The DataFrame views: the status, progress, failed-files, jobs and workflows tables, and ``run.elements()`` (and back).

pandas is imported when a frame is first built (importing the package stays cheap).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..models import Job, Workflow
from .search_result import SearchResult
from .snapshot import RunSnapshot
from .tables import Table, failed_table, jobs_table, progress_table, status_table, templates_table, workflows_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "ELEMENT_COLUMNS",
    "SEARCH_COLUMNS",
    "SearchNote",
    "element_row",
    "elements_frame",
    "elements_of_frame",
    "failed_frame",
    "jobs_frame",
    "progress_frame",
    "search_frame",
    "status_frame",
    "templates_frame",
    "workflows_frame",
]

#: The first columns of ``run.elements()``; the flattened metadata follows.
ELEMENT_COLUMNS = ("filename", "node", "type", "element_id", "text", "page_number")


def _frame(table: Table, counts: tuple[str, ...] = ()) -> pandas.DataFrame:
    """``table`` as a DataFrame; the ``counts`` columns as integers, to compute with."""
    import pandas as pd

    frame = pd.DataFrame(list(table.rows), columns=list(table.columns))
    for column in counts:
        frame[column] = frame[column].astype(int)
    return frame


def status_frame(snapshots: Sequence[RunSnapshot]) -> pandas.DataFrame:
    """One row per run (``run.to_dataframe()``)."""
    return _frame(status_table(snapshots))


def progress_frame(snapshot: RunSnapshot) -> pandas.DataFrame | None:
    """Per-node file counts, or None before any details arrived."""
    table = progress_table(snapshot)
    return None if table is None else _frame(table, ("ready", "in progress", "success", "failure"))


def failed_frame(snapshot: RunSnapshot) -> pandas.DataFrame | None:
    """The files the job could not process, with their errors, or None."""
    table = failed_table(snapshot)
    return None if table is None else _frame(table)


def jobs_frame(jobs: Sequence[Job], limit: int | None = None, final_nodes: Mapping[str, str] | None = None) -> pandas.DataFrame:
    """Jobs, newest first (``%unstructured_jobs``); ``final_nodes`` as for :func:`~.tables.jobs_table`."""
    return _frame(jobs_table(jobs, limit, final_nodes), ("input files",))


def workflows_frame(workflows: Sequence[Workflow]) -> pandas.DataFrame:
    """Workflows by name (``%unstructured_workflows``)."""
    return _frame(workflows_table(workflows))


def templates_frame(templates: Sequence[Mapping[str, Any]]) -> pandas.DataFrame:
    """Templates by name (``%unstructured_templates``)."""
    return _frame(templates_table(templates))


def _flatten(prefix: str, value: Any, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping) and value:
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out[prefix] = value


def element_row(filename: str, node: str, element: Mapping[str, Any]) -> dict[str, Any]:
    """One row of ``run.elements()``: the main fields first, then the rest of the metadata flattened."""
    meta = element.get("metadata") or {}
    row: dict[str, Any] = {
        "filename": meta.get("filename") or filename,
        "node": node,
        "type": element.get("type"),
        "element_id": element.get("element_id"),
        "text": element.get("text"),
        "page_number": meta.get("page_number"),
    }
    flat: dict[str, Any] = {}
    _flatten("", {k: v for k, v in meta.items() if k not in ("filename", "page_number")}, flat)
    for k, v in element.items():
        if k not in ("metadata", "type", "element_id", "text"):
            flat.setdefault(k, v)
    row.update(flat)
    return row


def elements_frame(outputs: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]], all_nodes: bool = False) -> pandas.DataFrame:
    """Every element of ``outputs`` (``{file: {node: [element, ...]}}``) as one row.

    By default only each file's last node (the workflow's final output); ``all_nodes=True``
    includes every node.
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for filename, by_node in outputs.items():
        nodes = list(by_node.items())
        if not all_nodes:
            nodes = nodes[-1:]
        for node, elements in nodes:
            rows.extend(element_row(filename, node, el) for el in elements)
    if not rows:
        return pd.DataFrame(columns=list(ELEMENT_COLUMNS))
    frame = pd.DataFrame(rows)
    pages = frame["page_number"]
    if all(p is None or (isinstance(p, (int, float)) and float(p).is_integer()) for p in pages.dropna()):
        frame["page_number"] = pages.astype("Int64")  # 3, not 3.0, and <NA> where a format has no pages
    rest = [c for c in frame.columns if c not in ELEMENT_COLUMNS]
    return frame[[*ELEMENT_COLUMNS, *rest]]


#: The columns of ``run.search()``.
SEARCH_COLUMNS = ("score", "file", "page", "text", "element_id")


def search_frame(result: SearchResult) -> pandas.DataFrame:
    """The best chunks of a search, best first; ``attrs`` says how they were ranked (``method``) and why (``note``).

    A note (BM25 used instead of embeddings, and why) is also given as a :class:`SearchNote` warning.
    """
    import pandas as pd

    frame = pd.DataFrame([[h.score, h.file, h.page, h.text, h.element_id] for h in result.hits], columns=list(SEARCH_COLUMNS))
    frame["page"] = frame["page"].astype("Int64")
    frame.index = pd.RangeIndex(1, len(frame) + 1, name="rank")
    frame.attrs.update(question=result.question, method=result.method, note=result.note)
    if result.note:
        warnings.warn(result.note, SearchNote, stacklevel=3)
    return frame


class SearchNote(UserWarning):
    """How a search ranked its chunks, when it could not use the output's embeddings (shown every time)."""


warnings.simplefilter("always", SearchNote)  # a note belongs to each search, not only to the first one


def _plain(value: Any) -> tuple[bool, Any]:
    """(present, value as plain Python): pandas' missing markers are absent, numpy scalars become numbers."""
    if isinstance(value, (list, tuple, dict, str)):
        return True, value
    if value is None or (isinstance(value, float) and value != value):
        return False, None
    import pandas as pd

    try:
        if pd.isna(value):
            return False, None
    except (TypeError, ValueError):  # an array-like cell: present
        return True, value.tolist() if hasattr(value, "tolist") else value
    return True, value.item() if hasattr(value, "item") else value


def elements_of_frame(frame: pandas.DataFrame) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The element dicts behind rows of ``run.elements()`` (or any frame with its columns), as ``{file: {node: [...]}}``.

    The inverse of :func:`element_row`: the flattened metadata columns (``coordinates.points``,
    ``data_source.url``...) are nested again; missing cells are left out.
    """
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for record in frame.to_dict("records"):
        element: dict[str, Any] = {}
        metadata: dict[str, Any] = {}
        for key, raw in record.items():
            present, value = _plain(raw)
            if not present:
                continue
            name = str(key)
            if name in ("type", "element_id", "text"):
                element[name] = value
            elif name == "metadata" and isinstance(value, dict):  # a frame of raw element dicts
                metadata.update(value)
            elif name != "node":
                target = metadata
                *parents, leaf = name.split(".")
                for parent in parents:
                    nested = target.setdefault(parent, {})
                    target = nested if isinstance(nested, dict) else {}
                target[leaf] = value
        element["metadata"] = metadata
        filename = str(metadata.get("filename") or "(no file name)")
        node = record.get("node")
        out.setdefault(filename, {}).setdefault(str(node) if isinstance(node, str) and node else "output", []).append(element)
    return out
