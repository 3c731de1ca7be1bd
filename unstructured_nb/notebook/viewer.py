"""The page viewer widget: ``unstructured_nb.view(...)`` and ``run.view()``, an anywidget over the viewer's plain state.

:class:`Viewer` syncs a :class:`~unstructured_nb.render.viewer_state.ViewerState` with its
bundled JavaScript (``viewer.js``, ``viewer.css``: no CDN, no network): the page image as
bytes, the page's boxes, legends and notes as one ``payload``, and the user's choices
(``page``, ``file``, ``mode``, ``hidden``, ``selected_ids``, ``zoom``) as traits both sides
set. Widget state carries every update, which JupyterLab, Notebook 7 and Voila all apply.
Its output bundle also holds a static ``text/html`` snapshot (the page image with an SVG of
its boxes) and ``text/plain``, for exports and notebooks opened without a kernel.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..render.frames import elements_frame
from ..render.viewer_state import DocumentInput, ViewerState
from ..runs.sources import chunk_originals
from ..runs.viewing import documents

__all__ = ["Viewer", "view"]

_HERE = Path(__file__).resolve().parent


class Viewer(anywidget.AnyWidget):
    """A page viewer: every element's box on its page, coloured by type; click one to select it.

    ``viewer.page`` (1-based), ``viewer.mode`` (``"elements"``/``"chunks"``), ``viewer.hidden``
    (types not drawn) and ``viewer.zoom`` can be set from code too; ``viewer.select(ids)``
    selects elements (ids, or a DataFrame with an ``element_id`` column) and turns to their
    page; ``viewer.selected`` is the selection as ``run.elements()`` rows.
    """

    _esm = _HERE / "viewer.js"
    _css = _HERE / "viewer.css"

    payload = traitlets.Dict().tag(sync=True)
    image = traitlets.Bytes(b"").tag(sync=True)
    image_type = traitlets.Unicode("").tag(sync=True)
    page = traitlets.Int(1).tag(sync=True)
    file = traitlets.Int(0).tag(sync=True)
    mode = traitlets.Unicode("elements").tag(sync=True)
    hidden = traitlets.List(traitlets.Unicode()).tag(sync=True)
    selected_ids = traitlets.List(traitlets.Unicode()).tag(sync=True)
    detail = traitlets.Unicode("").tag(sync=True)
    zoom = traitlets.Float(1.0).tag(sync=True)
    view_width = traitlets.Int(0).tag(sync=True)
    message = traitlets.Unicode("").tag(sync=True)

    def __init__(self, state: ViewerState, **kwargs: Any) -> None:
        self._state = state
        self._quiet = False
        super().__init__(page=state.page, file=state.file, mode=state.mode, **kwargs)
        self.observe(self._on_place, names=["page", "file", "mode"])
        self.observe(self._on_hidden, names="hidden")
        self.observe(self._on_selected, names="selected_ids")
        self.observe(self._on_width, names=["view_width", "zoom"])
        self._refresh(image=True)

    @property
    def state(self) -> ViewerState:
        """The plain state behind the widget (what tests and the snapshot read)."""
        return self._state

    # -- from the page ---------------------------------------------------------------------
    def _on_place(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        state = self._state
        try:
            if change["name"] == "file":
                state.set_file(change["new"])
            elif change["name"] == "mode":
                state.set_mode(change["new"])
            else:
                state.set_page(change["new"])
            self.message = ""
        except ValueError as exc:
            self.message = str(exc)
        self._refresh(image=True)

    def _on_hidden(self, change: dict[str, Any]) -> None:
        self._state.hidden = frozenset(str(t) for t in change["new"])

    def _on_selected(self, change: dict[str, Any]) -> None:
        if self._quiet:
            return
        self._state.selected = tuple(str(i) for i in change["new"])
        self.detail = self._state.detail()
        if self._state.kind == "reading":
            self._refresh(image=False)  # the reading view's HTML marks the selection

    def _on_width(self, _change: dict[str, Any]) -> None:
        if self.view_width > 0 and self._state.set_width(self.view_width):
            self._refresh(image=True)

    def _refresh(self, *, image: bool) -> None:
        """Send the page (and its image) as the state has it now, in one message."""
        state = self._state
        with self.hold_sync():
            self._quiet = True
            try:
                self.page, self.file, self.mode = state.page, state.file, state.mode
                self.selected_ids = list(state.selected)
            finally:
                self._quiet = False
            if image:
                drawn = state.image()
                self.image = drawn.data if drawn is not None else b""
                self.image_type = drawn.mime if drawn is not None else ""
            self.payload = state.payload()
            self.detail = state.detail()

    # -- from code -------------------------------------------------------------------------
    def select(self, ids: Any) -> Viewer:
        """Select elements and turn to the page of the first: an id, ids, or a DataFrame/Series of them.

        Returns the viewer, so a cell ending in ``viewer.select(...)`` shows it again.
        """
        wanted = _ids_of(ids)
        _found, missing = self._state.select(wanted)
        self._refresh(image=True)
        if missing:
            shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
            self.message = f"{len(missing)} of the {len(wanted)} ids are not elements of this view: {shown}."
        else:
            self.message = ""
        return self

    @property
    def selected(self) -> Any:
        """The selected elements as ``run.elements()`` rows (a ``view`` column names the pane when there are two)."""
        state = self._state
        chosen = state.selected_elements()
        panes = state.document.panes
        outputs: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for pane_index, element in chosen:
            outputs.setdefault(state.document.name, {}).setdefault(panes[pane_index].title, []).append(element)
        frame = elements_frame(outputs, all_nodes=True)
        if len(panes) > 1 and "node" in frame.columns:
            frame.insert(0, "view", frame["node"])
        return frame

    def close(self) -> None:
        for doc in self._state.documents:
            if doc.pages is not None:
                with contextlib.suppress(Exception):
                    doc.pages.close()
        super().close()

    # -- without a live kernel ---------------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = super()._repr_mimebundle_(**kwargs)  # anywidget: (data, metadata)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
        html, text = self._state.snapshot()
        return {**data, "text/html": html, "text/plain": text}, metadata

    def __repr__(self) -> str:
        return self._state.snapshot()[1]


def _ids_of(ids: Any) -> list[str]:
    if isinstance(ids, str):
        return [ids]
    if hasattr(ids, "columns"):  # a DataFrame: its element_id column
        if "element_id" not in ids.columns:
            raise ValueError("select() takes ids or a DataFrame with an element_id column (like run.elements())")
        ids = ids["element_id"]
    if isinstance(ids, Iterable):
        return [str(i) for i in ids if isinstance(i, str) and i]
    raise ValueError(f"select() takes an id, ids or a DataFrame, not {type(ids).__name__}")


def view(
    *items: Any,
    source: Any = None,
    file: str | None = None,
    mode: str | None = None,
    compare: Any = None,
    titles: Sequence[str] | None = None,
) -> Viewer:
    """A page viewer of elements: a box for every element with coordinates on its page, coloured by type.

    ``items``: a Run, a DataFrame of ``run.elements()`` rows, a list of element dicts,
    ``run.outputs()`` or a saved element JSON path; two items (or ``compare=``) are shown side
    by side on the same pages (two chunk settings, say). ``source`` is the document (a path,
    bytes or an open file; ``{name: source}`` for several) when it is not where the run found
    it; ``file`` picks one input; ``mode`` is ``"elements"`` or ``"chunks"`` (the default for
    chunked output). PDFs are drawn with pypdfium2, images as they are, and documents without
    pages (docx, html, md...) get a reading view with the same selection and filters.
    """
    every = (*items, compare) if compare is not None else items
    docs: list[DocumentInput] = documents(every, source=source, file=file, titles=titles)
    return Viewer(ViewerState(docs, chunk_originals, mode=mode))
