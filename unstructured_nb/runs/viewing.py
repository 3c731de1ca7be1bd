"""What ``view()`` shows: runs, DataFrames and element lists turned into documents, each with its panes and its source's pages.

Every item names elements by file: a :class:`~.run.Run` (its final node's output per input,
and the partitioner's too when the output is chunks), a DataFrame of ``run.elements()`` rows,
a list of element dicts, ``run.outputs()``, or a path to a saved element JSON file. Two items
become two panes of the same documents, side by side. Each document's source is the one
given, else what the run sent; when neither is at hand, its boxes are drawn on blank pages
and its note says what to pass.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputFileError, UsageError
from ..render.boxes import has_coordinates
from ..render.frames import elements_of_frame
from ..render.layout import is_chunked
from ..render.page_images import Pages, PagesError, open_pages, page_kind
from ..render.style import short_id
from ..render.viewer_state import DocumentInput, PaneInput
from .following import Followable
from .sources import as_source, find_source, missing_source

__all__ = ["MAX_JSON_BYTES", "documents"]

MAX_JSON_BYTES = 500_000_000  # a saved element file read for view()

Outputs = dict[str, dict[str, list[dict[str, Any]]]]


@dataclass
class _Item:
    title: str
    outputs: Outputs
    sources: Mapping[str, Any]
    attached: bool


def _by_file(elements: Sequence[Any], node: str = "elements") -> Outputs:
    out: Outputs = {}
    for element in elements:
        if not isinstance(element, dict):
            continue
        meta = element.get("metadata")
        name = meta.get("filename") if isinstance(meta, dict) else None
        out.setdefault(str(name) if name else "(no file name)", {}).setdefault(node, []).append(element)
    return out


def _load_json(path: Path) -> list[Any]:
    if path.stat().st_size > MAX_JSON_BYTES:
        raise InputFileError(f"{path} is larger than {MAX_JSON_BYTES // 1_000_000} MB", hint="View a smaller element file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path} is not an element JSON file ({exc})", hint="Pass the JSON a run saved") from exc
    if not isinstance(data, list):
        raise InputFileError(
            f"{path} holds a JSON {type(data).__name__}, not a list of elements", hint="Pass the JSON a run saved"
        )
    return data


def _item(value: Any, title: str | None) -> _Item:
    if isinstance(value, Followable):  # a Run, or a batch of on-demand jobs
        label = title or f"{value.workflow_name or 'run'} {short_id(value.job_id)}"
        return _Item(label, value.outputs(), value.sources, attached=not value.sources)
    if hasattr(value, "columns") and hasattr(value, "to_dict"):  # a pandas DataFrame (not imported here)
        return _Item(title or "elements", elements_of_frame(value), {}, attached=False)
    if isinstance(value, (str, os.PathLike)):
        path = Path(value).expanduser()
        if not path.is_file():
            raise InputFileError(
                f"{value} is not a file", hint="Pass elements (a run, a DataFrame, a list) or a saved element JSON file"
            )
        return _Item(title or path.name, _by_file(_load_json(path)), {}, attached=False)
    if isinstance(value, Mapping) and all(isinstance(v, Mapping) for v in value.values()):  # run.outputs()
        return _Item(title or "elements", {str(k): {str(n): list(e) for n, e in v.items()} for k, v in value.items()}, {}, False)
    if isinstance(value, (list, tuple)):
        return _Item(title or "elements", _by_file(value), {}, attached=False)
    raise UsageError(
        f"Cannot view a {type(value).__name__}",
        hint="Pass a Run, a DataFrame of run.elements() rows, a list of element dicts, run.outputs() or an element JSON path",
    )


def _pane(title: str, by_node: Mapping[str, list[dict[str, Any]]]) -> PaneInput:
    nodes = list(by_node.values())
    final = nodes[-1] if nodes else []
    partitioned = None
    if is_chunked(final):
        partitioned = next((n for n in reversed(nodes[:-1]) if n and not is_chunked(n)), None)
    return PaneInput(title, final, partitioned)


def _needs_pages(name: str, panes: Sequence[PaneInput]) -> bool:
    if page_kind(name) is not None:
        return True
    for pane in panes:
        for element in pane.elements:
            meta = element.get("metadata")
            if has_coordinates(meta) or (isinstance(meta, dict) and "orig_elements" in meta):
                return True
    return False


def _named(source: Any) -> bool:
    """True for ``{file name: source}`` (a FileUpload entry is a mapping too, but one source)."""
    return isinstance(source, Mapping) and "content" not in source


def _given(source: Any, name: str, single: bool) -> Any:
    if _named(source):
        return find_source(source, name)
    return source if single else None


def _pages(name: str, items: Sequence[_Item], panes: Sequence[PaneInput], given: Any) -> tuple[Pages | None, str]:
    attached = all(i.attached for i in items)
    value = given
    if value is None:
        value = next((v for i in items if (v := find_source(i.sources, name)) is not None), None)
    if value is None:
        return None, missing_source(name, known=False, attached=attached) if _needs_pages(name, panes) else ""
    try:
        src = as_source(value)
    except InputFileError:
        if given is not None:
            raise  # the user named it: say so now
        return None, missing_source(name, known=True, attached=False) if _needs_pages(name, panes) else ""
    try:
        return open_pages(src, name), ""
    except PagesError as exc:
        return None, f"{exc}. Boxes are drawn on blank pages."


def documents(
    items: Sequence[Any],
    *,
    source: Any = None,
    file: str | None = None,
    titles: Sequence[str] | None = None,
) -> list[DocumentInput]:
    """The documents to view: one per file named by the first item (``file`` picks one), a pane per item."""
    if not items:
        raise UsageError("Nothing to view", hint="Pass a run, a DataFrame of its elements or a list of elements")
    labels = list(titles or [])
    parsed = [_item(value, labels[i] if i < len(labels) else None) for i, value in enumerate(items)]
    if len(parsed) > 1 and len({p.title for p in parsed}) < len(parsed):
        for letter, p in zip("ABCDEFGH", parsed, strict=False):
            p.title = f"{letter}: {p.title}"
    names = list(dict.fromkeys(name for p in parsed for name in p.outputs))
    if file is not None:
        match = [n for n in names if n == file] or [n for n in names if os.path.basename(n) == os.path.basename(file)]
        if not match:
            raise UsageError(f"No output of a file named {file!r}", hint=f"The files are: {', '.join(names) or 'none'}")
        names = match[:1]
    if not names:
        raise UsageError("These outputs hold no elements", hint="Check run.elements(); a failed file has no output")
    if source is not None and not _named(source) and len(names) > 1:
        raise UsageError(
            f"source= gives one document, but the elements come from {len(names)} files ({', '.join(names[:5])})",
            hint="Pick one with file='name' too, or pass source={'name': path, ...}",
        )
    out = []
    for name in names:
        panes = [_pane(p.title, p.outputs.get(name, {})) for p in parsed]
        pages, note = _pages(name, parsed, panes, _given(source, name, single=len(names) == 1))
        out.append(DocumentInput(name, panes, pages, note))
    return out
